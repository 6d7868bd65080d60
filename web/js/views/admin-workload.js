// The team's workload: who holds what, and for how long — every task offered or in progress,
// grouped by the employee holding it, the one holding work longest first (the tasks service's
// /api/admin/tasks/workload, with names and presence from the scheduler's list).
import { api } from "../api.js";
import { duration, fill, h, statusPill } from "../dom.js";
import { count, due } from "./admin-tasks.js";
import { team } from "./admin-team.js";

/** How long since `iso`, against the page's clock, as "3 min 12 s". */
const since = (iso) => duration((Date.now() - new Date(iso).getTime()) / 1000);

/** Title, and whether a phone leaves it out ("not accepted yet" says the status there). */
const COLUMNS = [["Task"], ["Status", true], ["Progress", true], ["Held for"], ["Working for"], ["Due", true]];

export function workloadView(container) {
  const summary = h("p", { class: "muted", id: "workload-summary", role: "status" });
  const holders = h("div", { id: "workload" });
  let loaded = null;

  function holderSection(holder, people) {
    const person = people.get(holder.employeeId.toLowerCase());
    const name = person ? `${person.fullName} (${person.username})` : holder.employeeId;
    const presence = person ? (person.online ? `online · ${person.availability.toLowerCase()}` : "offline") : "not on the team";
    const load = person ? ` · ${person.load} / ${person.capacity}` : "";
    return h("section", { class: "holder", "data-employee": holder.employeeId, "aria-label": name },
      h("h3", {}, name, h("span", { class: "muted" }, ` · ${presence}${load}`)),
      h("div", { class: "table-wrap" }, h("table", {},
        h("thead", {}, h("tr", {}, COLUMNS.map(([title, wide]) => h("th", { scope: "col", class: wide ? "wide-only" : false }, title)))),
        h("tbody", {}, holder.tasks.map((task) => h("tr", { "data-task": task.id },
          h("td", {}, h("a", { href: `#/tasks/${task.id}` }, task.name), h("span", { class: "muted" }, ` · P${task.priority}`)),
          h("td", { class: "wide-only" }, statusPill(task.status)),
          h("td", { class: "wide-only" }, task.status === "IN_PROGRESS" ? `${task.progress} %` : "—"),
          h("td", { class: "held-for", "data-since": task.heldSince }, since(task.heldSince)),
          task.acceptedAt ? h("td", { class: "working-for", "data-since": task.acceptedAt }, since(task.acceptedAt))
            : h("td", { class: "working-for muted" }, "not accepted yet"),
          h("td", { class: "wide-only" }, due(task))))))));
  }

  /** The summary line: how much, by how many, the longest for how long. */
  function summarise(workload) {
    const oldest = workload.holders[0]?.tasks[0];
    const shown = workload.holders.reduce((n, holder) => n + holder.tasks.length, 0);
    fill(summary, `${count(workload.total, "task")} held by ${workload.holders.length === 1 ? "1 person" : `${workload.holders.length} people`}`,
      oldest ? ` · the longest for ${since(oldest.heldSince)}` : "",
      workload.truncated ? ` · the ${shown} held longest shown` : "");
  }

  function draw() {
    const { workload, people } = loaded;
    if (!workload.total) {
      fill(summary, "");
      fill(holders, h("p", { class: "muted", id: "no-workload" }, "Nobody holds any work right now."));
      return;
    }
    summarise(workload);
    fill(holders, workload.holders.map((holder) => holderSection(holder, people)));
  }

  async function load() {
    try {
      const [workload, { employees }] = await Promise.all([api("/api/admin/tasks/workload"), team(true)]);
      loaded = { workload, people: new Map(employees.map((e) => [e.id.toLowerCase(), e])) };
      draw();
    } catch (error) {
      fill(holders, h("p", { class: "form-error" }, error.message));
    }
  }
  // The durations move on between refreshes; only their cells change, so focus stays where it is.
  function tick() {
    if (!container.isConnected) return clearInterval(ticker);
    if (!loaded?.workload.total) return;
    summarise(loaded.workload);
    for (const cell of holders.querySelectorAll("[data-since]")) cell.textContent = since(cell.dataset.since);
  }
  const ticker = setInterval(tick, 1000);
  fill(container, h("p", { class: "muted" }, "Every task offered to someone or in their hands, by who holds it: whoever has held work longest first."),
    summary, holders);
  fill(holders, h("p", { class: "muted" }, "Loading…"));
  load();
  return load;
}
