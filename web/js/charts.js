// Charts drawn as SVG: a line over time, and horizontal bars. Each has a title and a text
// summary for screen readers, what a point or bar says on hover (and a line's points on keyboard
// focus), and the rows it shows for a CSV download (`chart.csv`).
const NS = "http://www.w3.org/2000/svg";

/** Makes an SVG element, as dom.js's h() makes HTML ones. */
export function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  for (const child of children) element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return element;
}

const MINUTE = 60_000;

/** points: [{t: Date, v: number}], at most one per `step` ms (a minute, or an hour for a week),
 *  drawn from `since` to `until` (now when not given).
 *  Steps without a point are drawn as zero when `missing` is "zero" (counts: nothing happened), or
 *  leave a gap in the line when it is "gap" (means: there was nothing to average) — never a
 *  straight line across them. */
export function lineChart(title, points, { unit = "", width = 560, height = 200, missing = "zero", since, until, step = MINUTE } = {}) {
  const pad = { left: 52, right: 14, top: 14, bottom: 28 };
  const slot = (t) => Math.floor(t / step) * step;
  const bySlot = new Map(points.map((p) => [slot(p.t.getTime()), p.v]));
  const end = slot(until ?? Date.now());
  const start = slot(Math.min(since ?? Infinity, ...bySlot.keys(), end - 14 * step));
  const slots = [];
  for (let t = start; t <= end; t += step) slots.push({ t, v: bySlot.has(t) ? bySlot.get(t) : missing === "zero" ? 0 : null });
  const values = slots.map((p) => p.v).filter((v) => v !== null);
  const max = niceCeiling(Math.max(0, ...values));
  const x = (t) => pad.left + ((t - start) / Math.max(1, end - start)) * (width - pad.left - pad.right);
  const y = (v) => height - pad.bottom - (v / max) * (height - pad.top - pad.bottom);
  let path = "", pen = false;
  for (const p of slots) {
    if (p.v === null) { pen = false; continue; }
    path += `${pen ? "L" : "M"}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)} `;
    pen = true;
  }
  const latest = [...slots].reverse().find((p) => p.v !== null);
  const hourly = step >= 3_600_000;
  const summary = values.length
    ? `${slots.length} ${hourly ? "hours" : "minutes"}, highest ${round(Math.max(...values))}${unit}, latest ${round(latest.v)}${unit}`
    : "no data yet";
  // An hour's point names its day too: a week's axis spans seven of them.
  const time = (t) => new Date(t).toLocaleString([], hourly ? { weekday: "short", hour: "2-digit", minute: "2-digit" } : { hour: "2-digit", minute: "2-digit" });
  // What a point says, on hover and on keyboard focus (a native tooltip shows only on hover).
  const readout = svg("text", { x: width - pad.right, y: pad.top - 2, "text-anchor": "end", class: "readout" }, "");
  const point = (p) => {
    const said = `${time(p.t)}: ${round(p.v)}${unit}`;
    const dot = svg("circle", { cx: x(p.t), cy: y(p.v), r: 3, fill: "#0b5cad", tabindex: 0, "aria-label": said }, svg("title", {}, said));
    const show = () => { readout.textContent = said; };
    const hide = () => { if (readout.textContent === said) readout.textContent = ""; };
    dot.addEventListener("mouseenter", show);
    dot.addEventListener("focus", show);
    dot.addEventListener("mouseleave", hide);
    dot.addEventListener("blur", hide);
    return dot;
  };
  const chart = svg("svg", { class: "chart", viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": `${title}: ${summary}` },
    svg("title", {}, title),
    svg("line", { x1: pad.left, y1: height - pad.bottom, x2: width - pad.right, y2: height - pad.bottom, stroke: "#8c959f" }),
    svg("line", { x1: pad.left, y1: y(max), x2: width - pad.right, y2: y(max), stroke: "#e5e7eb" }),
    svg("line", { x1: pad.left, y1: y(max / 2), x2: width - pad.right, y2: y(max / 2), stroke: "#e5e7eb" }),
    svg("text", { x: pad.left - 6, y: y(max) + 4, "text-anchor": "end" }, `${round(max)}${unit}`),
    svg("text", { x: pad.left - 6, y: y(max / 2) + 4, "text-anchor": "end" }, `${round(max / 2)}${unit}`),
    svg("text", { x: pad.left - 6, y: height - pad.bottom + 4, "text-anchor": "end" }, `0${unit}`),
    svg("text", { x: pad.left, y: height - 8 }, time(start)),
    svg("text", { x: (pad.left + width - pad.right) / 2, y: height - 8, "text-anchor": "middle" }, time((start + end) / 2)),
    svg("text", { x: width - pad.right, y: height - 8, "text-anchor": "end" }, time(end)),
    values.length ? svg("path", { d: path.trim(), fill: "none", stroke: "#0b5cad", "stroke-width": 2 }) : svg("text", { x: width / 2, y: height / 2, "text-anchor": "middle" }, "no data yet"),
    ...slots.filter((p) => p.v !== null && bySlot.has(p.t)).map(point), readout);
  // What the chart shows, as CSV: every minute (or hour) drawn, empty where the line has a gap.
  chart.csv = [[hourly ? "hour" : "minute", `value${unit ? ` (${unit.trim()})` : ""}`],
    ...slots.map((p) => [new Date(p.t).toISOString(), p.v === null ? "" : String(round(p.v))])];
  return chart;
}

function round(value) {
  return value >= 10 || Number.isInteger(value) ? Math.round(value) : Number(value.toFixed(1));
}

/** 1, 2, 5, 10, 20, 50 … at or above `value` (at least 1), so the axis reads in round numbers. */
function niceCeiling(value) {
  if (value <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((m) => m * power).find((n) => n >= value);
}

/** entries: [[label, value]] */
export function barChart(title, entries, { unit = "", width = 560 } = {}) {
  const row = 26, labelWidth = 170, height = Math.max(1, entries.length) * row + 8;
  const max = Math.max(1, ...entries.map(([, v]) => v));
  const summary = entries.map(([label, value]) => `${label} ${value}${unit}`).join(", ") || "no data yet";
  const chart = svg("svg", { class: "chart", viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": `${title}: ${summary}` },
    svg("title", {}, title),
    ...entries.flatMap(([label, value], i) => [
      svg("text", { x: 4, y: i * row + 18 }, String(label).length > 22 ? `${String(label).slice(0, 21)}…` : label, svg("title", {}, label)),
      svg("rect", { x: labelWidth, y: i * row + 6, height: 16, width: Math.max(1, (value / max) * (width - labelWidth - 60)), fill: "#0b5cad" },
        svg("title", {}, `${label}: ${value}${unit}`)),
      svg("text", { x: labelWidth + Math.max(1, (value / max) * (width - labelWidth - 60)) + 6, y: i * row + 18 }, `${value}${unit}`),
    ]),
    entries.length ? "" : svg("text", { x: 4, y: 18 }, "no data yet"));
  chart.csv = [["label", `value${unit ? ` (${unit.trim()})` : ""}`], ...entries.map(([label, value]) => [String(label), String(value)])];
  return chart;
}

/** A chart's rows (`chart.csv`) as a CSV file, quoted where a cell needs it (RFC 4180). */
export function csvText(rows) {
  const cell = (value) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
  return rows.map((row) => row.map(cell).join(",")).join("\r\n") + "\r\n";
}
