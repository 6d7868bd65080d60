// The admin's view of people and waiting work: the live priority queue with waiting times, and
// the employees with presence, availability, load and skills (skills and capacity editable).
import { api, sentence } from "../api.js";
import { debounce, duration, fill, h, when } from "../dom.js";
import { toast } from "../notifications.js";

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

/** The task events the scheduler folds into its view of a task, each with the task's version. */
const FOLDED = new Set(["task.created", "task.assigned", "task.accepted", "task.completed", "task.failed", "task.requeued",
  "task.cancelled", "task.edited"]);
/** Those after which the task waits in the queue (an edit: when it has no assignee). */
const WAITS_AFTER = new Set(["task.created", "task.requeued", "task.edited"]);
/** How long an event is held against the queue, and the pauses between reloads while it disagrees. */
const HELD_MS = 30_000;
const RETRY_MS = [250, 500, 1000, 2000];

/**
 * The live queue, following the admin's feed itself. The queue is the scheduler's view, and the
 * feed reaches the browser on its own path: an event can come before the scheduler has applied
 * it. So the view keeps the newest version each event said a task is at — those on the feed
 * while it is open and the `recent` ones before (`receivedAt` stamped) — and after a load that
 * disagrees (a row older than an event, or a task an event put in the queue missing from a queue
 * shown whole) loads again, a little later each time, for up to thirty seconds after the event.
 * Without it, an edit seen first on the feed left the old order on screen until the next event,
 * which might never come.
 */
export function queueView(container, feed, recent = []) {
  const table = h("div", { class: "table-wrap", id: "queue" });
  let entries = [];
  let loadedAt = Date.now();
  const newest = new Map();
  let retry = null;
  let tries = 0;
  function draw() {
    const elapsed = (Date.now() - loadedAt) / 1000;
    fill(table, entries.length
      ? h("table", {}, h("thead", {}, h("tr", {}, ["#", "Task", "Priority", "Effective", "Skills", "Waiting", "Why it waits"].map((t) => h("th", { scope: "col" }, t)))),
          h("tbody", {}, entries.map((e, i) => h("tr", { "data-task": e.taskId, "data-version": e.version },
            h("td", {}, i + 1), h("td", {}, h("a", { href: `#/tasks/${e.taskId}` }, e.name)), h("td", {}, e.priority), h("td", {}, e.effectivePriority),
            h("td", {}, e.requiredSkills.join(", ") || "—"),
            h("td", {}, duration(e.waitingSeconds + elapsed), e.notBefore && new Date(e.notBefore) > new Date() ? ` (retry after ${when(e.notBefore)})` : ""),
            h("td", { class: e.waitingFor?.code === "next" ? "muted" : "", "data-reason": e.waitingFor?.code }, sentence(e.waitingFor?.text ?? ""))))))
      : h("p", { class: "muted" }, "Nothing is waiting."));
  }
  /** Whether the queue just loaded is older than an event the feed brought. */
  function behind(whole) {
    const rows = new Map(entries.map((e) => [e.taskId.toLowerCase(), e]));
    const since = Date.now() - HELD_MS;
    let late = false;
    for (const [id, seen] of newest) {
      if (seen.at < since) {
        newest.delete(id);
        continue;
      }
      const row = rows.get(id);
      late ||= row ? row.version < seen.version : whole && seen.waits;
    }
    return late;
  }
  let asked = 0;
  async function load() {
    clearTimeout(retry);
    const mine = ++asked;
    try {
      const queue = await api("/api/scheduler/queue?limit=200");
      if (mine !== asked) return;  // a later load is on its way: an earlier answer must not overwrite it
      entries = queue.items;
      loadedAt = Date.now();
      draw();
      if (!behind(queue.total === entries.length)) {
        tries = 0;
      } else if (table.isConnected) {
        retry = setTimeout(load, RETRY_MS[Math.min(tries++, RETRY_MS.length - 1)]);
      }
    } catch (error) {
      if (mine === asked) fill(table, h("p", { class: "form-error" }, error.message));
    }
  }
  const soon = debounce(load, 200);
  function note(event, at) {
    const { taskId, version, assigneeId } = event.data ?? {};
    if (!FOLDED.has(event.type) || !taskId || !Number.isInteger(version)) return;
    const id = String(taskId).toLowerCase();
    if (!(newest.get(id)?.version > version)) newest.set(id, { version, at, waits: WAITS_AFTER.has(event.type) && !assigneeId });
  }
  function follow({ detail: event }) {
    if (!table.isConnected) return feed.removeEventListener("event", follow);
    if (!event.type.startsWith("task.")) return;
    note(event, Date.now());
    tries = 0;
    soon();
  }
  for (const event of recent) note(event, event.receivedAt ?? 0);
  feed.addEventListener("event", follow);
  const ticker = setInterval(() => (table.isConnected ? draw() : clearInterval(ticker)), 1000);
  fill(container, h("p", { class: "muted" }, "Waiting tasks in the order they will be offered: most urgent effective priority (priority improves with waiting), then oldest."), table);
  load();
  return load;
}

/** The team's orders: [key, label, compare]. Online first is the default: the people at work
 *  now, not two hundred alphabetical accounts with them at the bottom. */
const byName = (a, b) => a.fullName.localeCompare(b.fullName) || a.username.localeCompare(b.username);
const share = (e) => e.load / Math.max(1, e.capacity);
const TEAM_ORDERS = [
  ["online", "Online first", (a, b) => Number(b.online) - Number(a.online) || byName(a, b)],
  ["name", "Name", byName],
  ["-load", "Most loaded first", (a, b) => share(b) - share(a) || b.load - a.load || byName(a, b)],
  ["load", "Least loaded first", (a, b) => share(a) - share(b) || a.load - b.load || byName(a, b)],
];

/**
 * The team: a search by name or username, online-only and skill filters, an order (online first,
 * name, load either way), all kept in the address (`#/team?online=1&skill=billing&sort=-load`);
 * each row with presence, availability, load, and skills and capacity editable in place.
 */
export function employeesView(container, filters = {}) {
  const table = h("div", { class: "table-wrap", id: "employees" });
  const body = h("tbody");
  const rows = new Map();
  const state = {
    q: filters.q ?? "", skill: filters.skill ?? "", online: filters.online === "1",
    sort: TEAM_ORDERS.some(([key]) => key === filters.sort) ? filters.sort : "online",
  };
  const search = h("input", { type: "search", id: "team-search", value: state.q, placeholder: "Name or username", autocomplete: "off" });
  const skill = h("input", { id: "team-skill", value: state.skill, placeholder: "any", size: 10, autocomplete: "off" });
  const online = h("input", { type: "checkbox", id: "team-online", checked: state.online });
  const sort = h("select", { id: "team-sort" }, TEAM_ORDERS.map(([key, label]) => h("option", { value: key, selected: key === state.sort }, label)));
  const shown = h("p", { class: "muted", id: "team-count", role: "status" });

  /** The address of this view, with only what differs from the defaults (replaced, not pushed). */
  function remember() {
    const query = new URLSearchParams();
    if (state.q) query.set("q", state.q);
    if (state.skill) query.set("skill", state.skill);
    if (state.online) query.set("online", "1");
    if (state.sort !== "online") query.set("sort", state.sort);
    const address = `#/team${query.size ? `?${query}` : ""}`;
    if (location.hash !== address) history.replaceState(null, "", address);
  }

  /** The employees the filters keep, in the chosen order. */
  function chosen(employees) {
    const words = state.q.toLowerCase().split(/\s+/).filter(Boolean);
    const wantedSkill = state.skill.toLowerCase();
    const order = TEAM_ORDERS.find(([key]) => key === state.sort)[2];
    return employees.filter((e) =>
      (!state.online || e.online)
      && (!wantedSkill || e.skills.some((s) => s.toLowerCase() === wantedSkill))
      && words.every((word) => `${e.fullName} ${e.username}`.toLowerCase().includes(word)))
      .sort(order);
  }
  async function save(employee, row) {
    try {
      await api(`/api/auth/users/${employee.id}`, {
        method: "PATCH",
        body: { skills: row.skills.value.split(",").map((s) => s.trim()).filter(Boolean), capacity: Number(row.capacity.value) },
      });
      toast(`Saved ${employee.fullName}.`, "good");
      row.savedAt = Date.now();
      row.skills.dataset.shown = row.skills.value;
      row.capacity.dataset.shown = row.capacity.value;
      setTimeout(load, 500);
    } catch (error) {
      toast(error.message, "bad");
    }
  }
  /** One row per employee, kept across refreshes: presence, availability and load are always
   *  brought up to date; an input keeps what is being typed in it until it is saved. */
  function rowFor(e) {
    let row = rows.get(e.id);
    if (!row) {
      row = {
        name: h("td"), presence: h("td"), availability: h("td"), load: h("td"),
        skills: h("input", { "aria-label": `Skills of ${e.fullName}`, name: "skills" }),
        capacity: h("input", { type: "number", min: 1, max: 50, "aria-label": `Capacity of ${e.fullName}`, name: "capacity" }),
        savedAt: 0,
      };
      row.element = h("tr", { "data-employee": e.id }, row.name, row.presence, row.availability, row.load,
        h("td", {}, row.skills), h("td", {}, row.capacity),
        h("td", {}, h("button", { type: "button", class: "secondary", onclick: () => save(rows.get(e.id).employee, row) }, "Save")));
      rows.set(e.id, row);
    }
    for (const [input, value] of [[row.skills, e.skills.join(", ")], [row.capacity, String(e.capacity)]]) {
      const typing = input.dataset.shown !== undefined && input.value !== input.dataset.shown;
      // Just saved: the scheduler hears of it a moment later; do not show the old value meanwhile.
      const settling = Date.now() - row.savedAt < 5000 && input.value !== value;
      if (!typing && !settling) { input.value = value; input.dataset.shown = value; }
    }
    row.employee = e;
    fill(row.name, e.fullName, h("div", { class: "muted" }, e.username), e.active ? "" : h("div", { class: "muted" }, "deactivated"));
    fill(row.presence, e.online ? "online" : `offline${e.offlineSince ? ` since ${when(e.offlineSince)}` : ""}`);
    fill(row.availability, e.availability);
    fill(row.load, `${e.load} / ${e.capacity}`);
    return row.element;
  }
  async function load() {
    remember();
    try {
      const { employees } = await team(true);
      const kept = chosen(employees);
      const wanted = new Set(kept.map((e) => e.id));
      const present = new Set(employees.map((e) => e.id));
      // A row filtered out leaves the table but keeps what was typed in it; an employee no
      // longer on the team leaves for good.
      for (const [id, row] of rows) {
        if (!wanted.has(id)) row.element.remove();
        if (!present.has(id)) rows.delete(id);
      }
      // Rows move only when the order changed: moving an element takes the focus out of it.
      kept.map(rowFor).forEach((element, index) => {
        if (body.children[index] !== element) body.insertBefore(element, body.children[index] ?? null);
      });
      const online = employees.filter((e) => e.online).length;
      shown.textContent = `${kept.length} of ${employees.length} people shown · ${online} online`;
      if (!kept.length) {
        fill(table, h("p", { class: "muted", id: "no-people" }, employees.length ? "Nobody matches these filters." : "No employees yet."));
      } else if (!body.isConnected) {
        fill(table, h("table", {}, h("thead", {}, h("tr", {}, ["Employee", "Presence", "Availability", "Load", "Skills", "Capacity", ""].map((t) => h("th", { scope: "col" }, t)))), body));
      }
    } catch (error) {
      rows.clear();
      body.replaceChildren();
      fill(table, h("p", { class: "form-error" }, error.message));
    }
  }
  const changed = () => {
    Object.assign(state, { q: search.value.trim(), skill: skill.value.trim(), online: online.checked, sort: sort.value });
    load();
  };
  const typed = debounce(changed, 200);
  for (const input of [search, skill]) input.addEventListener("input", typed);
  for (const input of [online, sort]) input.addEventListener("change", changed);
  fill(container,
    h("form", { class: "actions filters", role: "search", onsubmit: (event) => { event.preventDefault(); changed(); } },
      h("span", { class: "pair" }, h("label", { for: search.id }, "Search"), search),
      h("span", { class: "pair" }, h("label", { for: skill.id }, "Skill"), skill),
      h("label", { for: online.id, class: "check" }, online, " Online only"),
      h("span", { class: "pair" }, h("label", { for: sort.id }, "Order"), sort)),
    shown, table);
  load();
  return load;
}

/** The options of the Assign list: people who can take the task now first, then others online,
 *  then the offline; each with their username, presence, availability, load and whether they hold
 *  the skills (an admin may assign anyone active who has room). */
export function assignOptions(employees, requiredSkills = []) {
  const holds = (e) => requiredSkills.every((skill) => e.skills.includes(skill));
  const ready = (e) => e.online && e.availability === "AVAILABLE" && e.load < e.capacity && holds(e);
  const label = (e) => `${e.fullName} (${e.username}) · ${e.online ? e.availability.toLowerCase() : "offline"} · ${e.load}/${e.capacity}`
    + (requiredSkills.length && !holds(e) ? " · lacks a skill" : "") + (e.load >= e.capacity ? " · full" : "");
  const byLoad = (a, b) => a.load / Math.max(1, a.capacity) - b.load / Math.max(1, b.capacity) || a.fullName.localeCompare(b.fullName);
  const active = employees.filter((e) => e.active);
  const groups = [
    ["Can take it now", active.filter(ready)],
    ["Online", active.filter((e) => e.online && !ready(e))],
    ["Offline", active.filter((e) => !e.online)],
  ];
  return groups.filter(([, people]) => people.length).map(([title, people]) =>
    h("optgroup", { label: title }, people.sort(byLoad).map((e) => h("option", { value: e.id, disabled: e.load >= e.capacity }, label(e)))));
}
