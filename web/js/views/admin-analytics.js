// The admin's figures: headline numbers, per-minute series and distributions drawn as SVG, and
// per-employee performance; refreshed when analytics publishes new figures.
import { api } from "../api.js";
import { barChart, csvText, lineChart } from "../charts.js";
import { fill, figure, h, ms } from "../dom.js";

/** The windows offered: the query's value, its label, its length in minutes (a week is the
 *  default retention's reach, ORCH_ANALYTICS_RETENTION 8d). */
const WINDOWS = [["15m", "last 15 minutes", 15], ["1h", "last hour", 60], ["6h", "last 6 hours", 360], ["24h", "last day", 1440],
  ["7d", "last week", 10_080]];

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
  // Means exist only for buckets that had something to average: those are left out, not zero.
  // A bucket is a minute, or an hour beyond a day (`bucketSeconds`); every series of a window has the same.
  let step = 60_000;
  const series = async (metric, window) => {
    const answer = await api(`/api/analytics/timeseries?metric=${metric}&window=${window}`);
    step = answer.bucketSeconds * 1000;
    return answer.buckets.map((b) => ({ t: new Date(b.minute), v: metric === "wait" || metric === "handling" ? b.meanMs : b.count ?? 0 }))
      .filter((p) => p.v !== null && p.v !== undefined);
  };
  async function load() {
    const window = windowSelect.value;
    const [, label, minutes] = WINDOWS.find(([value]) => value === window);
    const since = Date.now() - minutes * 60_000;
    try {
      const [overview, people, throughput, created, wait] = await Promise.all([
        api(`/api/analytics/overview?window=${window}`), api(`/api/analytics/employees?window=${window}`),
        series("throughput", window), series("created", window), series("wait", window),
      ]);
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
          chartCard(`Completed per ${per}`, lineChart(`Completed per ${per}`, throughput, { since, step }), `completed-per-${per}`),
          chartCard(`Created per ${per}`, lineChart(`Created per ${per}`, created, { since, step }), `created-per-${per}`),
          chartCard(`Mean wait per ${per}`, lineChart("Mean wait before assignment", wait.map((p) => ({ t: p.t, v: p.v / 1000 })), { unit: " s", missing: "gap", since, step }), `mean-wait-per-${per}`),
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
      fill(body, h("p", { class: "form-error" }, error.message));
    }
  }
  windowSelect.addEventListener("change", load);
  fill(container, h("div", { class: "actions" }, h("label", { for: windowSelect.id }, "Window"), windowSelect), body);
  load();
  return load;
}
