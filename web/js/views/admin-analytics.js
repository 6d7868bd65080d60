// The admin's figures: headline numbers, per-minute series and distributions drawn as SVG, and
// per-employee performance; refreshed when analytics publishes new figures.
import { api } from "../api.js";
import { barChart, csvText, lineChart } from "../charts.js";
import { fill, figure, h, ms, newestOnly } from "../dom.js";

/** The windows offered: the query's value, its label, its length in minutes (a week is the
 *  default retention's reach, ORCH_ANALYTICS_RETENTION 8d). */
const WINDOWS = [["15m", "last 15 minutes", 15], ["1h", "last hour", 60], ["6h", "last 6 hours", 360], ["24h", "last day", 1440],
  ["7d", "last week", 10_080], ["custom", "from … to …", null]];

/** A datetime-local input's value for `date`, in the browser's time zone. */
const local = (date) => new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

/** The 20 employees who completed the most (ties: most assigned, then by name), nobody with nothing. */
export function topCompleters(people) {
  return people.filter((e) => e.completed > 0)
    .sort((a, b) => b.completed - a.completed || b.assigned - a.assigned || a.username.localeCompare(b.username))
    .slice(0, 20).map((e) => [e.username, e.completed]);
}

/** A breakdown's 20 biggest entries, biggest first (ties by name), as bars. */
export function biggest(counts, limit = 20) {
  return Object.entries(counts).filter(([, n]) => n > 0).sort(([a, x], [b, y]) => y - x || a.localeCompare(b)).slice(0, limit);
}

/** A chart's card: its heading, the chart, and a download of what it shows as CSV. */
function chartCard(heading, chart, file) {
  const download = h("a", { class: "csv", download: `${file}.csv`, href: "#", "data-csv": file }, "Download CSV");
  // The file is written into the link when it is clicked: what the chart shows at that moment.
  download.addEventListener("click", () => { download.href = `data:text/csv;charset=utf-8,${encodeURIComponent(csvText(chart.csv))}`; });
  return h("section", { class: "card" }, h("div", { class: "chart-head" }, h("h3", {}, heading), download), chart);
}

export function analyticsView(container) {
  const windowSelect = h("select", { id: "analytics-window" },
    WINDOWS.map(([value, label]) => h("option", { value, selected: value === "1h" }, label)));
  const body = h("div", { id: "analytics" });
  // A custom range: two times; the figures are the window between them, ending at the second.
  const from = h("input", { type: "datetime-local", id: "analytics-from", value: local(new Date(Date.now() - 3_600_000)) });
  const to = h("input", { type: "datetime-local", id: "analytics-to", value: local(new Date()) });
  const range = h("form", { class: "actions", id: "analytics-range", hidden: true, onsubmit: (event) => { event.preventDefault(); load(); } },
    h("label", { for: from.id }, "From"), from, h("label", { for: to.id }, "to"), to, h("button", { type: "submit" }, "Show"));
  // Means exist only for buckets that had something to average: those are left out, not zero.
  // A bucket is a minute, or an hour beyond a day (`bucketSeconds`, the `step` between points).
  const series = async (metric, query) => {
    const answer = await api(`/api/analytics/timeseries?metric=${metric}&${query}`);
    const points = answer.buckets.map((b) => ({ t: new Date(b.minute), v: metric === "wait" || metric === "handling" ? b.meanMs : b.count ?? 0 }))
      .filter((p) => p.v !== null && p.v !== undefined);
    return { points, step: answer.bucketSeconds * 1000 };
  };
  /** What to ask for: the window (and where it ends, for a custom range), the chart's span and
   *  the words for it; or why the range cannot be asked for. */
  function chosen() {
    const window = windowSelect.value;
    range.hidden = window !== "custom";
    if (window !== "custom") {
      const [, label, minutes] = WINDOWS.find(([value]) => value === window);
      return { query: `window=${window}`, since: Date.now() - minutes * 60_000, until: undefined, label };
    }
    const [start, end] = [new Date(from.value), new Date(to.value)];
    if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) return { problem: "Give both times of the range." };
    if (end - start < 60_000) return { problem: "The range must be at least a minute long: “to” after “from”." };
    const seconds = Math.round((end - start) / 1000);
    const label = `${start.toLocaleString()} – ${end.toLocaleString()}`;
    return { query: `window=${seconds}s&to=${encodeURIComponent(end.toISOString())}`, since: start.getTime(), until: end.getTime(), label };
  }
  // A window chosen, then a range shown: the first answer arriving last would put it back.
  const begin = newestOnly();
  async function load() {
    const current = begin();
    const { query, since, until, label, problem } = chosen();
    if (problem) return fill(body, h("p", { class: "form-error", role: "alert" }, problem));
    try {
      const [overview, people, throughput, created, wait] = await Promise.all([
        api(`/api/analytics/overview?${query}`), api(`/api/analytics/employees?${query}`),
        series("throughput", query), series("created", query), series("wait", query),
      ]);
      if (!current()) return;
      // Every series of one window has the same buckets.
      const step = throughput.step;
      const per = step >= 3_600_000 ? "hour" : "minute";
      fill(body,
        h("div", { class: "figures card" },
          figure("Completed / min", overview.perMinute.completed), figure("Created / min", overview.perMinute.created),
          figure("Failed / min", overview.perMinute.failed), figure("Median wait", ms(overview.waitTime.p50Ms)),
          figure("p90 wait", ms(overview.waitTime.p90Ms)), figure("Median handling", ms(overview.handlingTime.p50Ms)),
          figure("Overdue", overview.overdueTasks
            ? h("a", { href: "#/tasks?overdue=1", id: "overdue-link", title: "Show the overdue tasks" }, overview.overdueTasks)
            : overview.overdueTasks), figure("Retries", overview.retries),
          figure("Fairness (Jain)", overview.fairness?.jainIndex?.toFixed(3) ?? "—")),
        h("div", { class: "grid charts" },
          chartCard(`Completed per ${per}`, lineChart(`Completed per ${per}`, throughput.points, { since, until, step }), `completed-per-${per}`),
          chartCard(`Created per ${per}`, lineChart(`Created per ${per}`, created.points, { since, until, step }), `created-per-${per}`),
          chartCard(`Mean wait per ${per}`, lineChart("Mean wait before assignment", wait.points.map((p) => ({ t: p.t, v: p.v / 1000 })), { unit: " s", missing: "gap", since, until, step }), `mean-wait-per-${per}`),
          chartCard("Tasks by status", barChart("Tasks by status", Object.entries(overview.tasksByStatus)), "tasks-by-status"),
          chartCard("Open tasks by priority", barChart("Open tasks by priority", Object.entries(overview.openTasksByPriority).map(([p, n]) => [`priority ${p}`, n])), "open-tasks-by-priority"),
          chartCard("Open tasks by skill (top 20)", barChart("Open tasks by skill", biggest(overview.openTasksBySkill)), "open-tasks-by-skill"),
          chartCard(`Completed by skill, ${label} (top 20)`, barChart("Completed by skill", biggest(overview.completedBySkill)), "completed-by-skill"),
          chartCard("Completed by employee (top 20)", barChart("Completed by employee", topCompleters(people.items)), "completed-by-employee")),
        h("section", { class: "card table-wrap" }, h("h3", {}, "Employees"),
          h("table", { id: "employee-figures" }, h("thead", {}, h("tr", {}, ["Employee", "Assigned", "Completed", "Failed", "Success", "Median handling", "Utilisation"].map((t) => h("th", { scope: "col" }, t)))),
            h("tbody", {}, people.items.map((e) => h("tr", {}, h("td", {}, e.username), h("td", {}, e.assigned), h("td", {}, e.completed), h("td", {}, e.failed),
              h("td", {}, e.successRate === null || e.successRate === undefined ? "—" : `${Math.round(e.successRate * 100)}%`), h("td", {}, ms(e.handlingTime?.p50Ms)),
              h("td", {}, `${Math.round((e.utilisation ?? 0) * 100)}%`)))))));
    } catch (error) {
      if (current()) fill(body, h("p", { class: "form-error" }, error.message));
    }
  }
  windowSelect.addEventListener("change", load);
  fill(container, h("div", { class: "actions" }, h("label", { for: windowSelect.id }, "Window"), windowSelect), range, body);
  load();
  return load;
}
