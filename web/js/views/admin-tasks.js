// The admin's tasks: creating one (the API's validation messages shown at the fields), the list
// with filters, and one task's detail with its comments, audit trail, retry, cancel and assign.
import { api } from "../api.js";
import { confirmAction, debounce, field, fill, h, showErrors, statusPill, toast, when } from "../dom.js";
import { ATTEMPTS, PRIORITIES, STATUSES, TASK_DESCRIPTION_MAX, TASK_NAME_MAX } from "../limits.js";
import { assignOptions, team } from "./admin-team.js";

export function createForm() {
  const priority = h("select", { name: "priority", id: "task-priority" },
    PRIORITIES.map((p) => h("option", { value: p, selected: p === 3 },
      `${p}${p === PRIORITIES[0] ? " (most urgent)" : p === PRIORITIES.at(-1) ? " (least urgent)" : ""}`)));
  const form = h("form", { id: "create-task", novalidate: true },
    h("h2", {}, "New task"),
    field("Name", h("input", { name: "name", id: "task-name", maxlength: TASK_NAME_MAX })),
    field("Description", h("textarea", { name: "description", id: "task-description", maxlength: TASK_DESCRIPTION_MAX })),
    h("div", { class: "grid" },
      field("Priority", priority),
      field("Skills needed (comma-separated)", h("input", { name: "requiredSkills", id: "task-skills" })),
      field("Due (optional)", h("input", { name: "dueAt", id: "task-due", type: "datetime-local" })),
      field(`Attempts (optional, ${ATTEMPTS[0]}–${ATTEMPTS[1]})`, h("input", { name: "maxAttempts", id: "task-attempts", type: "number", inputmode: "numeric" }))),
    h("p", { class: "form-error", role: "alert" }),
    h("button", { type: "submit" }, "Create task"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    const body = {
      name: data.name, description: data.description, priority: Number(data.priority),
      requiredSkills: data.requiredSkills.split(",").map((s) => s.trim()).filter(Boolean),
    };
    if (data.dueAt) body.dueAt = new Date(data.dueAt).toISOString();
    if (data.maxAttempts !== "") body.maxAttempts = Number(data.maxAttempts);
    try {
      const task = await api("/api/admin/tasks", { method: "POST", body });
      showErrors(form, null);
      form.reset();
      toast(`Created “${task.name}”.`, "good");
      form.dispatchEvent(new CustomEvent("created", { detail: task }));
    } catch (error) {
      showErrors(form, error);
    }
  });
  return form;
}

/** "1 task", "3 tasks". */
export function count(n, noun) {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** Whether an open task is past its due time. */
export function isOverdue(task) {
  return Boolean(task.dueAt) && ["PENDING", "ASSIGNED", "IN_PROGRESS"].includes(task.status) && new Date(task.dueAt) < new Date();
}

/** The due time, marked when overdue. */
export function due(task) {
  if (!task.dueAt) return "—";
  return isOverdue(task) ? h("span", { class: "overdue" }, `${when(task.dueAt)} · overdue`) : when(task.dueAt);
}

/** The list's columns: label, and the API's sort key when it sorts by it. */
const COLUMNS = [["Task", "name"], ["Priority", "priority"], ["Status", "status"], ["Assignee"], ["Progress"], ["Due", "due"], ["Updated", "updated"]];
const PAGE_SIZES = [20, 50, 100];

/**
 * Every task, found and ordered on the server: a search by part of the name or by id, filters
 * (status, priority, skill, overdue), a sort by any sortable column (again to reverse), the page
 * size and a page to jump to. The state is kept in the address (`#/tasks?q=…&sort=-priority`), so
 * a view can be reloaded or shared.
 */
export function taskList(container, filters = {}) {
  const state = {
    q: filters.q ?? "", status: STATUSES.includes(filters.status) ? filters.status : "", priority: filters.priority ?? "",
    skill: filters.skill ?? "", overdue: filters.overdue === "1" || filters.overdue === "true", sort: filters.sort ?? "-created",
    size: PAGE_SIZES.includes(Number(filters.size)) ? Number(filters.size) : PAGE_SIZES[0], page: Math.max(0, Number(filters.page) - 1 || 0),
  };
  const search = h("input", { type: "search", id: "filter-search", name: "q", value: state.q, placeholder: "Name or id", autocomplete: "off" });
  const status = h("select", { id: "filter-status", name: "status" }, h("option", { value: "" }, "any"), STATUSES.map((s) => h("option", { value: s, selected: state.status === s }, s)));
  const priority = h("select", { id: "filter-priority", name: "priority" }, h("option", { value: "" }, "any"), PRIORITIES.map((p) => h("option", { value: p, selected: String(p) === state.priority }, p)));
  const skill = h("input", { id: "filter-skill", name: "skill", value: state.skill, placeholder: "any", size: 10, autocomplete: "off" });
  const overdue = h("input", { type: "checkbox", id: "filter-overdue", name: "overdue", checked: state.overdue });
  const size = h("select", { id: "filter-size", name: "size" }, PAGE_SIZES.map((n) => h("option", { value: n, selected: n === state.size }, `${n} a page`)));
  const rows = h("div", { class: "table-wrap", id: "task-table", "aria-live": "polite" });

  /** The address of this view, with only what differs from the defaults. */
  function remember() {
    const query = new URLSearchParams();
    if (state.q) query.set("q", state.q);
    if (state.status) query.set("status", state.status);
    if (state.priority) query.set("priority", state.priority);
    if (state.skill) query.set("skill", state.skill);
    if (state.overdue) query.set("overdue", "1");
    if (state.sort !== "-created") query.set("sort", state.sort);
    if (state.size !== PAGE_SIZES[0]) query.set("size", state.size);
    if (state.page > 0) query.set("page", state.page + 1);
    const address = `#/tasks${query.size ? `?${query}` : ""}`;
    // Replaced, not pushed: the address follows the view without reloading it.
    if (location.hash !== address) history.replaceState(null, "", address);
  }

  function header([label, key]) {
    if (!key) return h("th", { scope: "col" }, label);
    const current = state.sort.replace(/^-/, "") === key;
    const descending = state.sort.startsWith("-");
    const button = h("button", { type: "button", class: "sort", "data-sort": key }, label, current ? (descending ? " ↓" : " ↑") : "");
    button.addEventListener("click", () => {
      state.sort = current && !descending ? `-${key}` : key;
      state.page = 0;
      load();
    });
    return h("th", { scope: "col", "aria-sort": current ? (descending ? "descending" : "ascending") : "none" }, button);
  }

  async function load() {
    remember();
    const query = new URLSearchParams({ page: state.page, size: state.size, sort: state.sort });
    if (state.q) query.set("q", state.q);
    if (state.status) query.set("status", state.status);
    if (state.priority) query.set("priority", state.priority);
    if (state.skill) query.set("skill", state.skill);
    if (state.overdue) query.set("overdue", "true");
    try {
      const [result, people] = await Promise.all([api(`/api/admin/tasks?${query}`), team()]);
      const pages = Math.max(1, Math.ceil(result.total / state.size));
      if (state.page >= pages && result.total > 0) {
        state.page = pages - 1;
        return load();
      }
      const go = (page) => { state.page = page; load(); };
      const previous = h("button", { type: "button", class: "secondary", disabled: state.page === 0, onclick: () => go(state.page - 1) }, "Previous");
      const next = h("button", { type: "button", class: "secondary", disabled: state.page + 1 >= pages, onclick: () => go(state.page + 1) }, "Next");
      const jump = h("input", { type: "number", id: "page-jump", min: 1, max: pages, value: state.page + 1, inputmode: "numeric", "aria-label": `Page (1–${pages})` });
      jump.addEventListener("change", () => {
        const page = Math.round(Number(jump.value));
        if (page >= 1 && page <= pages) go(page - 1); else jump.value = state.page + 1;
      });
      const filtered = state.q || state.status || state.priority || state.skill || state.overdue;
      const table = result.items.length
        ? h("table", {}, h("thead", {}, h("tr", {}, COLUMNS.map(header))),
          h("tbody", {}, result.items.map((t) => h("tr", { "data-task": t.id },
            h("td", {}, h("a", { href: `#/tasks/${t.id}` }, t.name)), h("td", {}, t.priority), h("td", {}, statusPill(t.status)),
            h("td", {}, people.name(t.assigneeId)), h("td", {}, `${t.progress}%`), h("td", {}, due(t)), h("td", {}, when(t.updatedAt))))))
        : h("p", { class: "muted", id: "no-tasks" }, filtered ? "No task matches these filters." : "No tasks yet.");
      fill(rows, table,
        h("div", { class: "actions" }, previous, h("span", { class: "muted" }, "page "), jump,
          h("span", { class: "muted", id: "task-count" }, `of ${pages} · ${count(result.total, "task")}`), next));
    } catch (error) {
      fill(rows, h("p", { class: "form-error" }, error.message));
    }
  }

  const changed = () => {
    Object.assign(state, {
      q: search.value.trim(), status: status.value, priority: priority.value, skill: skill.value.trim(),
      overdue: overdue.checked, size: Number(size.value), page: 0,
    });
    load();
  };
  const typed = debounce(changed, 300);
  for (const input of [search, skill]) input.addEventListener("input", typed);
  for (const select of [status, priority, overdue, size]) select.addEventListener("change", changed);
  fill(container,
    h("form", { class: "actions filters", role: "search", onsubmit: (event) => { event.preventDefault(); changed(); } },
      // Each label stays with its control when the line wraps (a phone).
      h("span", { class: "pair" }, h("label", { for: search.id }, "Search"), search),
      h("span", { class: "pair" }, h("label", { for: status.id }, "Status"), status),
      h("span", { class: "pair" }, h("label", { for: priority.id }, "Priority"), priority),
      h("span", { class: "pair" }, h("label", { for: skill.id }, "Skill"), skill),
      h("label", { for: overdue.id, class: "check" }, overdue, " Overdue only"), size),
    rows);
  load();
  return load;
}

export function taskDetail(container, id) {
  let first = true;
  async function load() {
    let task, people;
    try {
      [task, people] = await Promise.all([api(`/api/admin/tasks/${id}`), team()]);
    } catch (error) {
      fill(container, h("p", { class: "form-error" }, error.message), h("a", { href: "#/tasks" }, "Back to the tasks"));
      return;
    }
    const actions = h("div", { class: "actions" });
    const act = async (path, label, body) => {
      try {
        await api(`/api/admin/tasks/${id}/${path}`, { method: "POST", body });
        toast(label, "good");
        load();
      } catch (error) {
        toast(error.message, "bad");
      }
    };
    if (task.status === "FAILED") actions.append(h("button", { type: "button", id: "retry-task", onclick: () => act("retry", "Retrying.") }, "Retry"));
    if (!["COMPLETED", "FAILED", "CANCELLED"].includes(task.status)) {
      const cancel = async () => {
        const holder = task.assigneeId ? `${people.name(task.assigneeId)} is working on it or has it on offer, and will be shown your reason.` : "Nobody holds it yet.";
        const answer = await confirmAction({
          title: `Cancel “${task.name}”?`, message: `A cancelled task cannot be reopened. ${holder}`,
          confirmLabel: "Cancel task", reasonLabel: "Reason (optional, shown to the assignee)",
        });
        if (answer) act("cancel", `Cancelled “${task.name}”.`, answer.reason ? { reason: answer.reason } : undefined);
      };
      actions.append(h("button", { type: "button", class: "danger", id: "cancel-task", onclick: cancel }, "Cancel…"));
    }
    if (task.status === "PENDING") {
      const who = h("select", { id: "assign-to", "aria-label": "Employee to assign" }, assignOptions(people.employees, task.requiredSkills));
      actions.append(who, h("button", { type: "button", class: "secondary", id: "assign-task", onclick: () => act(`assign/${who.value}`, "Asked the scheduler to offer it.") }, "Assign"));
    }
    const comment = h("textarea", { name: "message", id: "admin-comment" });
    const form = h("form", { novalidate: true }, field("Add a comment", comment), h("p", { class: "form-error", role: "alert" }), h("button", { type: "submit", class: "secondary" }, "Comment"));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        await api(`/api/tasks/${id}/comments`, { method: "POST", body: { message: comment.value } });
        load();
      } catch (error) {
        showErrors(form, error);
      }
    });
    fill(container,
      h("p", {}, h("a", { href: "#/tasks" }, "← All tasks")),
      h("article", { class: "card", id: "task-detail", "data-status": task.status },
        h("h2", { tabindex: -1, id: "task-title" }, task.name), h("p", {}, task.description),
        h("dl", { class: "figures" },
          [["Status", statusPill(task.status)], ["Priority", task.priority], ["Assignee", people.name(task.assigneeId)], ["Progress", `${task.progress}%`],
            ["Attempt", `${task.attempt} of ${task.maxAttempts}`], ["Skills", task.requiredSkills.join(", ") || "none"], ["Due", due(task)], ["Created", when(task.createdAt)]]
            .map(([term, value]) => h("div", {}, h("dt", { class: "muted" }, term), h("dd", {}, value)))),
        actions),
      h("section", { class: "card", "aria-labelledby": "comments-title" },
        h("h3", { id: "comments-title" }, "Comments"),
        h("ul", { class: "feed", id: "comments" }, task.comments.length ? task.comments.map((c) => h("li", {}, h("strong", {}, people.name(c.authorId)), ` · ${when(c.createdAt)}: `, c.message)) : h("li", { class: "muted" }, "No comments.")),
        form),
      h("section", { class: "card", "aria-labelledby": "audit-title" },
        h("h3", { id: "audit-title" }, "Audit trail"),
        h("div", { class: "table-wrap" }, h("table", {}, h("thead", {}, h("tr", {}, ["When", "Action", "From", "To", "By", "Reason"].map((t) => h("th", { scope: "col" }, t)))),
          h("tbody", {}, task.audit.map((a) => h("tr", {}, h("td", {}, when(a.at)), h("td", {}, a.action === "assign" && a.assigneeId ? `assign to ${people.name(a.assigneeId)}` : a.action), h("td", {}, a.from ?? "—"), h("td", {}, a.to), h("td", {}, people.name(a.actorId)), h("td", {}, a.reason ?? ""))))))));
    // Opening a detail, or acting on it (its buttons are redrawn), leaves focus on its title
    // rather than on the page's body; a live refresh leaves focus where the user put it.
    if (first || !container.contains(document.activeElement) && document.activeElement === document.body) container.querySelector("#task-title")?.focus();
    first = false;
  }
  load();
  return load;
}
