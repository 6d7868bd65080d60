// The admin's tasks: creating one (the API's validation messages shown at the fields), the list
// with filters and bulk actions on the tasks selected in it, and one task's detail with its
// comments, audit trail, edit, take back, retry, cancel and assign.
import { api } from "../api.js";
import { confirmAction, debounce, field, fill, h, newestOnly, showErrors, statusPill, when } from "../dom.js";
import { toast } from "../notifications.js";
import { ATTEMPTS, BULK_MAX, PRIORITIES, STATUSES, TASK_DESCRIPTION_MAX, TASK_NAME_MAX } from "../limits.js";
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
  return Boolean(task.dueAt) && OPEN.includes(task.status) && new Date(task.dueAt) < new Date();
}

/** The statuses a task can still be edited, cancelled or reprioritised in. */
const OPEN = ["PENDING", "ASSIGNED", "IN_PROGRESS"];

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
  // The tasks chosen for a bulk action, by id (kept across pages, filters and live refreshes).
  const selected = new Map();
  const bar = h("div", { class: "bulk-bar", id: "bulk-bar", role: "region", "aria-label": "Selected tasks", hidden: true });
  let shown = { items: [], total: 0, query: null };

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

  // Typing a search changes the query while the last answer is on its way (a broad one is slower).
  const begin = newestOnly();
  async function load() {
    const current = begin();
    remember();
    const query = new URLSearchParams({ page: state.page, size: state.size, sort: state.sort });
    if (state.q) query.set("q", state.q);
    if (state.status) query.set("status", state.status);
    if (state.priority) query.set("priority", state.priority);
    if (state.skill) query.set("skill", state.skill);
    if (state.overdue) query.set("overdue", "true");
    try {
      const [result, people] = await Promise.all([api(`/api/admin/tasks?${query}`), team()]);
      if (!current()) return;
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
      shown = { items: result.items, total: result.total, query };
      const everyOnPage = result.items.length > 0 && result.items.every((t) => selected.has(t.id));
      const pageBox = h("input", { type: "checkbox", id: "select-page", checked: everyOnPage, "aria-label": "Select every task on this page" });
      pageBox.addEventListener("change", () => {
        for (const t of result.items) pageBox.checked ? selected.set(t.id, t) : selected.delete(t.id);
        for (const box of rows.querySelectorAll("input.select-task")) box.checked = pageBox.checked;
        drawBar();
      });
      const rowBox = (t) => {
        const box = h("input", { type: "checkbox", class: "select-task", "data-task": t.id, checked: selected.has(t.id), "aria-label": `Select “${t.name}”` });
        box.addEventListener("change", () => {
          box.checked ? selected.set(t.id, t) : selected.delete(t.id);
          pageBox.checked = result.items.every((item) => selected.has(item.id));
          drawBar();
        });
        return box;
      };
      const table = result.items.length
        ? h("table", {}, h("thead", {}, h("tr", {}, h("th", { scope: "col", class: "pick" }, pageBox), COLUMNS.map(header))),
          h("tbody", {}, result.items.map((t) => h("tr", { "data-task": t.id },
            h("td", { class: "pick" }, rowBox(t)),
            h("td", { class: "name" }, h("a", { href: `#/tasks/${t.id}` }, t.name)), h("td", {}, t.priority), h("td", {}, statusPill(t.status)),
            h("td", {}, people.name(t.assigneeId)), h("td", {}, `${t.progress}%`), h("td", {}, due(t)), h("td", {}, when(t.updatedAt))))))
        : h("p", { class: "muted", id: "no-tasks" }, filtered ? "No task matches these filters." : "No tasks yet.");
      fill(rows, table,
        h("div", { class: "actions" }, previous, h("span", { class: "muted" }, "page "), jump,
          h("span", { class: "muted", id: "task-count" }, `of ${pages} · ${count(result.total, "task")}`), next));
      drawBar();
    } catch (error) {
      if (current()) fill(rows, h("p", { class: "form-error" }, error.message));
    }
  }

  /** The bar over the list while tasks are selected: how many, the actions, and — when the whole
   *  page is selected and more tasks match — a way to select all of them (up to the API's 500). */
  function drawBar() {
    bar.hidden = selected.size === 0;
    if (!selected.size) return fill(bar);
    const pageChosen = shown.items.length > 0 && shown.items.every((t) => selected.has(t.id));
    const more = pageChosen && shown.total > shown.items.length && selected.size < Math.min(shown.total, BULK_MAX)
      ? h("button", { type: "button", class: "secondary", id: "select-matching", onclick: selectMatching },
        shown.total > BULK_MAX ? `Select the first ${BULK_MAX} of ${shown.total} matching` : `Select all ${shown.total} matching`)
      : null;
    fill(bar,
      h("strong", { id: "selected-count" }, `${count(selected.size, "task")} selected`), more,
      h("button", { type: "button", id: "bulk-retry", onclick: () => bulk("retry") }, "Retry"),
      reprioritise(),
      h("button", { type: "button", class: "danger", id: "bulk-cancel", onclick: () => bulk("cancel") }, "Cancel…"),
      h("button", { type: "button", class: "secondary", id: "bulk-clear", onclick: () => { selected.clear(); load(); } }, "Clear selection"));
  }

  /** A priority to give every selected open task. */
  function reprioritise() {
    const choice = h("select", { id: "bulk-priority", "aria-label": "Set the selected tasks' priority" },
      h("option", { value: "" }, "Set priority…"), PRIORITIES.map((p) => h("option", { value: p }, `Priority ${p}`)));
    choice.addEventListener("change", () => {
      const priority = Number(choice.value);
      // Back to its prompt at once: after a "Keep it", the same priority can be chosen again.
      choice.value = "";
      if (priority) bulk("reprioritise", priority);
    });
    return choice;
  }

  /** Every task the current filters match, a page of 100 at a time, up to BULK_MAX. */
  async function selectMatching() {
    const query = new URLSearchParams(shown.query);
    query.set("size", 100);
    try {
      for (let page = 0; selected.size < BULK_MAX; page += 1) {
        query.set("page", page);
        const result = await api(`/api/admin/tasks?${query}`);
        for (const t of result.items) if (selected.size < BULK_MAX) selected.set(t.id, t);
        if (result.items.length < 100) break;
      }
    } catch (error) {
      toast(error.message, "bad");
    }
    load();
  }

  /** One request for every selected task, after a confirmation that says how many. */
  async function bulk(action, priority) {
    const n = selected.size;
    const tasks = count(n, "task");
    const answer = action === "retry"
      ? await confirmAction({
        title: `Retry ${tasks}?`, danger: false, reasonLabel: null, confirmLabel: `Retry ${tasks}`,
        message: "Each failed one goes back to the queue with a fresh set of attempts. Tasks that have not failed are left as they are.",
      })
      : action === "reprioritise" ? await confirmAction({
        title: `Give ${tasks} priority ${priority}?`, danger: false, reasonLabel: null, confirmLabel: `Set priority ${priority}`,
        message: "Open tasks take the new priority at once (the queue reorders; assignees see it). Tasks that have ended are left as they are.",
      })
      : await confirmAction({
        title: `Cancel ${tasks}?`, confirmLabel: `Cancel ${tasks}`, reasonLabel: "Reason (optional, shown to the assignees)",
        message: "A cancelled task cannot be reopened. Whoever holds one is shown your reason. Tasks that have already ended are left as they are.",
      });
    if (!answer) return;
    try {
      const body = { action, ids: [...selected.keys()] };
      if (answer.reason) body.reason = answer.reason;
      if (priority) body.priority = priority;
      const result = await api("/api/admin/tasks/bulk", { method: "POST", body });
      const done = { retry: "Retried", cancel: "Cancelled", reprioritise: "Reprioritised" }[action];
      // What changed leaves the selection; what was left as it was stays selected, to look at.
      for (const item of result.results) if (item.outcome !== "refused") selected.delete(item.id);
      const unchanged = result.results.length - result.changed - result.refused;
      const already = unchanged ? `; ${unchanged} already had priority ${priority}` : "";
      if (!result.refused) {
        toast(`${done} ${count(result.changed, "task")}${already}.`, "good");
      } else {
        const first = result.results.find((item) => item.outcome === "refused" || item.outcome === "not_found");
        const left = result.refused === 1 ? "1 was left as it was" : `${result.refused} were left as they were`;
        toast(`${done} ${result.changed} of ${tasks}${already}; ${left} (${first.message}).`, result.changed ? "" : "bad");
      }
    } catch (error) {
      toast(error.message, "bad");
    }
    load();
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
    bar, rows);
  load();
  return load;
}

/** A time as a datetime-local input holds it (the browser's time zone), "" for none. */
function localInput(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

/**
 * An open task's details in a modal dialog: priority, description, due time (emptied: none) and
 * skills. Only what was changed is sent, with the version the dialog was opened at, so an edit
 * made from an outdated view is refused rather than overwriting what changed meanwhile. Resolves
 * to the task as saved, or null when nothing was saved. A live refresh of the page behind it
 * leaves the dialog as it is.
 */
export function editTask(task) {
  return new Promise((resolve) => {
    const opener = document.activeElement;
    const priority = h("select", { name: "priority", id: "edit-priority" }, PRIORITIES.map((p) => h("option", { value: p, selected: p === task.priority }, p)));
    const description = h("textarea", { name: "description", id: "edit-description", maxlength: TASK_DESCRIPTION_MAX, value: task.description });
    const dueAt = h("input", { name: "dueAt", id: "edit-due", type: "datetime-local", value: localInput(task.dueAt) });
    const skills = h("input", { name: "requiredSkills", id: "edit-skills", value: task.requiredSkills.join(", ") });
    const save = h("button", { type: "submit", id: "edit-save" }, "Save");
    const close = h("button", { type: "button", class: "secondary", id: "edit-close" }, "Close");
    const form = h("form", { novalidate: true }, h("h2", { id: "edit-title" }, `Edit “${task.name}”`),
      h("p", { class: "muted" }, task.assigneeId ? "Its assignee sees the change at once." : "The queue takes the change at once."),
      field("Priority (1 is the most urgent)", priority), field("Description", description),
      field("Due (empty: no due time)", dueAt), field("Skills needed (comma-separated)", skills),
      h("p", { class: "form-error", role: "alert" }), h("div", { class: "actions" }, save, close));
    const dialog = h("dialog", { class: "confirm", "aria-labelledby": "edit-title" }, form);
    let saved = null;
    const done = () => dialog.close();
    close.addEventListener("click", done);
    // Going elsewhere (the back button, a link from a toast) closes it: it belongs to this task's page.
    window.addEventListener("hashchange", done);
    dialog.addEventListener("close", () => {
      window.removeEventListener("hashchange", done);
      dialog.remove();
      if (opener?.isConnected) opener.focus();
      resolve(saved);
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = { version: task.version };
      if (Number(priority.value) !== task.priority) body.priority = Number(priority.value);
      if (description.value !== task.description) body.description = description.value;
      const due = dueAt.value ? new Date(dueAt.value).toISOString() : null;
      if (dueAt.value !== localInput(task.dueAt)) body.dueAt = due;
      const wanted = skills.value.split(",").map((s) => s.trim()).filter(Boolean);
      if (wanted.join(",") !== task.requiredSkills.join(",")) body.requiredSkills = wanted;
      if (Object.keys(body).length === 1) return done();
      try {
        saved = await api(`/api/admin/tasks/${task.id}`, { method: "PATCH", body });
        done();
      } catch (error) {
        if (error.status === 409) {
          const now = error.details?.status;
          error.message = OPEN.includes(now)
            ? "Someone changed this task after you opened it. Close and edit it again to see their change first."
            : `The task has ended (${now}) and can no longer be edited.`;
        }
        showErrors(form, error);
      }
    });
    document.body.append(dialog);
    dialog.showModal();
    priority.focus();
  });
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
    if (OPEN.includes(task.status)) {
      actions.append(h("button", { type: "button", class: "secondary", id: "edit-task", onclick: async () => {
        const edited = await editTask(task);
        if (edited) { toast(`Saved “${edited.name}”.`, "good"); load(); }
      } }, "Edit…"));
    }
    if (OPEN.includes(task.status)) {
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
    if (task.status === "ASSIGNED" || task.status === "IN_PROGRESS") {
      const holder = people.name(task.assigneeId);
      const takeBack = async () => {
        const answer = await confirmAction({
          title: `Take “${task.name}” back from ${holder}?`, danger: false, confirmLabel: "Take it back",
          message: `It goes back to the queue for someone else; ${holder} is not offered it again for a while${task.status === "IN_PROGRESS" ? ", and the progress so far is not kept" : ""}. ${holder} is shown your reason.`,
          reasonLabel: `Reason (optional, shown to ${holder})`,
        });
        if (answer) act("unassign", `Took “${task.name}” back from ${holder}.`, answer.reason ? { reason: answer.reason } : undefined);
      };
      actions.append(h("button", { type: "button", class: "secondary", id: "unassign-task", onclick: takeBack }, "Take back…"));
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
