// Charts drawn as SVG: a line over time, and horizontal bars. Each has a title and a text
// summary for screen readers.
const NS = "http://www.w3.org/2000/svg";

function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  for (const child of children) element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return element;
}

/** points: [{t: Date, v: number}], one per minute (missing minutes count as zero when `zeros`). */
export function lineChart(title, points, { unit = "", width = 560, height = 180 } = {}) {
  const pad = { left: 44, right: 12, top: 12, bottom: 24 };
  const max = Math.max(1, ...points.map((p) => p.v));
  const times = points.map((p) => p.t.getTime());
  const start = Math.min(...times, Date.now() - 60_000), end = Math.max(...times, Date.now());
  const x = (t) => pad.left + ((t - start) / Math.max(1, end - start)) * (width - pad.left - pad.right);
  const y = (v) => height - pad.bottom - (v / max) * (height - pad.top - pad.bottom);
  const path = points.map((p, i) => `${i ? "L" : "M"}${x(p.t.getTime()).toFixed(1)},${y(p.v).toFixed(1)}`).join(" ");
  const summary = points.length ? `${points.length} minutes, highest ${Math.round(max)}${unit}, latest ${Math.round(points.at(-1).v)}${unit}` : "no data yet";
  return svg("svg", { class: "chart", viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": `${title}: ${summary}` },
    svg("title", {}, title),
    svg("line", { x1: pad.left, y1: height - pad.bottom, x2: width - pad.right, y2: height - pad.bottom, stroke: "#8c959f" }),
    svg("text", { x: 4, y: pad.top + 8 }, `${Math.round(max)}${unit}`),
    svg("text", { x: 4, y: height - pad.bottom }, `0${unit}`),
    svg("text", { x: pad.left, y: height - 6 }, new Date(start).toLocaleTimeString()),
    svg("text", { x: width - pad.right, y: height - 6, "text-anchor": "end" }, new Date(end).toLocaleTimeString()),
    points.length ? svg("path", { d: path, fill: "none", stroke: "#0b5cad", "stroke-width": 2 }) : svg("text", { x: width / 2, y: height / 2, "text-anchor": "middle" }, "no data yet"),
    ...points.map((p) => svg("circle", { cx: x(p.t.getTime()), cy: y(p.v), r: 2.5, fill: "#0b5cad" })));
}

/** entries: [[label, value]] */
export function barChart(title, entries, { unit = "", width = 560 } = {}) {
  const row = 24, labelWidth = 150, height = Math.max(1, entries.length) * row + 8;
  const max = Math.max(1, ...entries.map(([, v]) => v));
  const summary = entries.map(([label, value]) => `${label} ${value}${unit}`).join(", ") || "no data yet";
  return svg("svg", { class: "chart", viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": `${title}: ${summary}` },
    svg("title", {}, title),
    ...entries.flatMap(([label, value], i) => [
      svg("text", { x: 4, y: i * row + 18 }, label),
      svg("rect", { x: labelWidth, y: i * row + 6, height: 16, width: Math.max(1, (value / max) * (width - labelWidth - 60)), fill: "#0b5cad" }),
      svg("text", { x: labelWidth + Math.max(1, (value / max) * (width - labelWidth - 60)) + 6, y: i * row + 18 }, `${value}${unit}`),
    ]),
    entries.length ? "" : svg("text", { x: 4, y: 18 }, "no data yet"));
}
