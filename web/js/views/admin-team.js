// The admin's view of people and waiting work: the live priority queue with waiting times, and
// the employees with presence, availability, load and skills (skills and capacity editable).
import { api } from "../api.js";
import { duration, fill, h, toast, when } from "../dom.js";

let cached = null;

/** The scheduler's view of everyone, fetched at most every two seconds; name(id) for tables. */
export async function team(fresh = false) {
  if (!fresh && cached && Date.now() - cached.at < 2000) return cached;
  const { items } = await api("/api/scheduler/employees");
  const byId = new Map(items.map((e) => [e.id.toLowerCase(), e]));
  cached = {
    at: Date.now(),
    employees: items,
    name: (id) => (id ? (byId.get(String(id).toLowerCase())?.fullName ?? "admin") : "—"),
  };
  return cached;
}

export function queueView(container) {
  const table = h("div", { class: "table-wrap", id: "queue" });
  let entries = [];
  let loadedAt = Date.now();
  function draw() {
    const elapsed = (Date.now() - loadedAt) / 1000;
    fill(table, entries.length
      ? h("table", {}, h("thead", {}, h("tr", {}, ["#", "Task", "Priority", "Effective", "Skills", "Waiting"].map((t) => h("th", { scope: "col" }, t)))),
          h("tbody", {}, entries.map((e, i) => h("tr", { "data-task": e.taskId },
            h("td", {}, i + 1), h("td", {}, h("a", { href: `#/tasks/${e.taskId}` }, e.name)), h("td", {}, e.priority), h("td", {}, e.effectivePriority),
            h("td", {}, e.requiredSkills.join(", ") || "—"),
            h("td", {}, duration(e.waitingSeconds + elapsed), e.notBefore && new Date(e.notBefore) > new Date() ? ` (retry after ${when(e.notBefore)})` : "")))))
      : h("p", { class: "muted" }, "Nothing is waiting."));
  }
  async function load() {
    try {
      const queue = await api("/api/scheduler/queue?limit=200");
      entries = queue.items;
      loadedAt = Date.now();
      draw();
    } catch (error) {
      fill(table, h("p", { class: "form-error" }, error.message));
    }
  }
  const ticker = setInterval(() => (container.isConnected ? draw() : clearInterval(ticker)), 1000);
  fill(container, h("p", { class: "muted" }, "Waiting tasks in the order they will be offered: most urgent effective priority (priority improves with waiting), then oldest."), table);
  load();
  return load;
}

export function employeesView(container) {
  const table = h("div", { class: "table-wrap", id: "employees" });
  async function save(employee, skills, capacity) {
    try {
      await api(`/api/auth/users/${employee.id}`, {
        method: "PATCH",
        body: { skills: skills.value.split(",").map((s) => s.trim()).filter(Boolean), capacity: Number(capacity.value) },
      });
      toast(`Saved ${employee.fullName}.`, "good");
      setTimeout(load, 500);
    } catch (error) {
      toast(error.message, "bad");
    }
  }
  async function load() {
    if (table.contains(document.activeElement)) return;  // someone is editing
    try {
      const { employees } = await team(true);
      fill(table, h("table", {}, h("thead", {}, h("tr", {}, ["Employee", "Presence", "Availability", "Load", "Skills", "Capacity", ""].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, employees.map((e) => {
          const skills = h("input", { value: e.skills.join(", "), "aria-label": `Skills of ${e.fullName}`, name: "skills" });
          const capacity = h("input", { type: "number", min: 1, max: 50, value: e.capacity, "aria-label": `Capacity of ${e.fullName}`, name: "capacity" });
          return h("tr", { "data-employee": e.id },
            h("td", {}, e.fullName, h("div", { class: "muted" }, e.username), e.active ? "" : h("div", { class: "muted" }, "deactivated")),
            h("td", {}, e.online ? "online" : `offline${e.offlineSince ? ` since ${when(e.offlineSince)}` : ""}`),
            h("td", {}, e.availability), h("td", {}, `${e.load} / ${e.capacity}`),
            h("td", {}, skills), h("td", {}, capacity),
            h("td", {}, h("button", { type: "button", class: "secondary", onclick: () => save(e, skills, capacity) }, "Save")));
        }))));
    } catch (error) {
      fill(table, h("p", { class: "form-error" }, error.message));
    }
  }
  fill(container, table);
  load();
  return load;
}
