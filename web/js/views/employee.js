// The employee's page: availability, offers to accept, work in progress (progress slider,
// comments, complete or fail with a comment), personal figures and history — kept current by
// the live feed.
import { api } from "../api.js";
import { debounce, field, figure, fill, h, ms, showErrors, statusPill, toast, when } from "../dom.js";
import { session } from "../session.js";
import { due } from "./admin-tasks.js";

export function showEmployee(view, feed) {
  const me = session.user.id.toLowerCase();
  const availability = h("p", { id: "availability-state", class: "muted" }, "Availability: …");
  const available = h("button", { type: "button", id: "set-available", "aria-pressed": "false" }, "Available");
  const away = h("button", { type: "button", id: "set-away", class: "secondary", "aria-pressed": "false" }, "Away");
  const offers = h("div", { id: "offers" });
  const working = h("div", { id: "in-progress" });
  const stats = h("div", { id: "my-stats", class: "figures" });
  const history = h("div", { id: "history", class: "table-wrap" });
  const cards = new Map();

  function showAvailability(value) {
    availability.dataset.availability = value;
    availability.textContent = `Availability: ${value === "AVAILABLE" ? "available for new work" : "away — no new offers"}`;
    available.setAttribute("aria-pressed", String(value === "AVAILABLE"));
    away.setAttribute("aria-pressed", String(value === "AWAY"));
  }
  async function setAvailability(value) {
    try {
      await api("/api/scheduler/me/availability", { method: "PUT", body: { availability: value } });
      showAvailability(value);
    } catch (error) {
      toast(error.message, "bad");
    }
  }
  available.addEventListener("click", () => setAvailability("AVAILABLE"));
  away.addEventListener("click", () => setAvailability("AWAY"));

  async function act(task, action, body = {}) {
    return api(`/api/employee/tasks/${task.id}/${action}`, { method: "POST", body });
  }

  function offerCard(task) {
    const accept = h("button", { type: "button", "data-testid": "accept" }, "Accept");
    accept.addEventListener("click", async () => {
      accept.disabled = true;
      try {
        await act(task, "accept");
        refresh();
      } catch (error) {
        toast(error.message, "bad");
        refresh();
      }
    });
    return h("article", { class: "card", "data-task": task.id },
      h("h3", {}, task.name), h("p", {}, task.description),
      h("p", { class: "muted" }, `Priority ${task.priority}`, task.requiredSkills.length ? ` · needs ${task.requiredSkills.join(", ")}` : "",
        task.dueAt ? [" · due ", due(task)] : ""),
      h("div", { class: "actions" }, accept));
  }

  function workCard(task) {
    const slider = h("input", { type: "range", name: "progress", id: `progress-${task.id}`, min: 0, max: 100, step: 5, value: task.progress });
    const shown = h("output", { for: slider.id, id: `progress-value-${task.id}` }, `${task.progress}%`);
    slider.addEventListener("input", () => { shown.textContent = `${slider.value}%`; });
    // One report at a time, the latest value last: arrow keys fire a change per step.
    let wanted = null, sending = false;
    slider.addEventListener("change", async () => {
      wanted = Number(slider.value);
      if (sending) return;
      sending = true;
      while (wanted !== null) {
        const value = wanted;
        wanted = null;
        try {
          await act(task, "progress", { progress: value });
        } catch (error) {
          toast(error.message, "bad");
        }
      }
      sending = false;
    });
    const comment = h("textarea", { name: "message", id: `message-${task.id}`, maxlength: 4000 });
    const form = h("form", { novalidate: true },
      h("div", { class: "field" }, h("label", { for: slider.id }, "Progress"), slider, shown),
      field("Comment (required to complete or fail)", comment),
      h("p", { class: "form-error", role: "alert" }),
      h("div", { class: "actions" },
        h("button", { type: "submit", value: "complete", "data-testid": "complete" }, "Complete"),
        h("button", { type: "submit", value: "fail", class: "danger", "data-testid": "fail" }, "Fail"),
        h("button", { type: "submit", value: "comment", class: "secondary", "data-testid": "comment" }, "Add comment")));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const action = event.submitter?.value || "comment";
      const message = comment.value.trim();
      if (!message) {
        showErrors(form, { field: "message", message: action === "comment" ? "Write a comment first." : `A comment is required to ${action}.` });
        return;
      }
      try {
        if (action === "comment") {
          await api(`/api/tasks/${task.id}/comments`, { method: "POST", body: { message } });
          toast("Comment added.", "good");
        } else {
          const after = await act(task, action, { message });
          toast(action === "complete" ? `Completed “${task.name}”.` : after.status === "PENDING" ? `Failed; “${task.name}” will be retried.` : `Failed “${task.name}”.`,
            action === "complete" ? "good" : "bad");
        }
        comment.value = "";
        showErrors(form, null);
        refresh();
      } catch (error) {
        showErrors(form, error);
      }
    });
    const card = h("article", { class: "card", "data-task": task.id },
      h("h3", {}, task.name), h("p", {}, task.description),
      h("p", { class: "muted" }, `Priority ${task.priority} · attempt ${task.attempt} of ${task.maxAttempts}`, task.flagged ? " · flagged" : "",
        task.dueAt ? [" · due ", due(task)] : ""),
      form);
    card.update = (latest) => {
      if (document.activeElement !== slider) {
        slider.value = latest.progress;
        shown.textContent = `${latest.progress}%`;
      }
    };
    return card;
  }

  /** Keeps one card per task: new ones added, finished ones removed, the rest updated in place
   *  (so a comment being typed survives a refresh). */
  function sync(container, tasks, make, empty) {
    const wanted = new Set(tasks.map((task) => task.id));
    for (const [id, card] of cards) {
      if (card.parentElement === container && !wanted.has(id)) { card.remove(); cards.delete(id); }
    }
    for (const task of tasks) {
      const existing = cards.get(task.id);
      if (existing && existing.parentElement === container) { existing.update?.(task); continue; }
      existing?.remove();
      const card = make(task);
      cards.set(task.id, card);
      container.append(card);
    }
    container.querySelector(":scope > .empty")?.remove();
    if (!tasks.length) container.append(h("p", { class: "muted empty" }, empty));
  }

  async function refresh() {
    try {
      const dashboard = await api("/api/employee/tasks/dashboard");
      sync(offers, dashboard.current.filter((t) => t.status === "ASSIGNED"), offerCard, "Nothing offered right now.");
      sync(working, dashboard.current.filter((t) => t.status === "IN_PROGRESS"), workCard, "Nothing in progress.");
      fill(history, dashboard.recent.length
        ? h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, "Task"), h("th", {}, "Status"), h("th", {}, "Finished"))),
            h("tbody", {}, dashboard.recent.map((t) => h("tr", {}, h("td", {}, t.name), h("td", {}, statusPill(t.status)), h("td", {}, when(t.updatedAt))))))
        : h("p", { class: "muted" }, "No finished tasks yet."));
    } catch (error) {
      toast(error.message, "bad");
    }
    try {
      showAvailability((await api("/api/scheduler/me")).availability);
    } catch {
      availability.textContent = "Availability: not known yet";
    }
    try {
      const figures = await api(`/api/analytics/employees/${session.user.id}`);
      fill(stats,
        figure("Completed", figures.completed), figure("Failed", figures.failed),
        figure("Success rate", figures.successRate === null || figures.successRate === undefined ? "—" : `${Math.round(figures.successRate * 100)}%`),
        figure("Median handling", ms(figures.handlingTime?.p50Ms)), figure("Load", `${figures.currentLoad} of ${figures.capacity}`));
    } catch {
      fill(stats, h("p", { class: "muted" }, "Figures are not available yet."));
    }
  }
  const soon = debounce(refresh, 150);

  feed.addEventListener("event", ({ detail: event }) => {
    const data = event.data || {};
    if (event.type === "employee.availability_changed" && String(data.employeeId).toLowerCase() === me) showAvailability(data.availability);
    if (event.type === "task.assigned" && String(data.assigneeId).toLowerCase() === me) toast("A new task was offered to you.");
    if (event.type.startsWith("task.") || event.type === "reservation.expired") soon();
  });

  const next = h("button", { type: "button", class: "secondary", id: "get-next" }, "Ask for work");
  next.addEventListener("click", async () => {
    try {
      await api("/api/employee/tasks/get-next", { method: "POST" });
      toast("Asked the scheduler for your next task.");
    } catch (error) {
      toast(error.message, "bad");
    }
  });

  fill(view,
    h("h1", {}, "My work"),
    h("section", { class: "card", "aria-labelledby": "availability-title" },
      h("h2", { id: "availability-title" }, "Availability"), availability, h("div", { class: "actions" }, available, away, next)),
    h("div", { class: "grid" },
      h("section", { class: "card", "aria-labelledby": "offers-title" }, h("h2", { id: "offers-title" }, "Offered to me"), offers),
      h("section", { class: "card", "aria-labelledby": "working-title" }, h("h2", { id: "working-title" }, "In progress"), working)),
    h("section", { class: "card", "aria-labelledby": "stats-title" }, h("h2", { id: "stats-title" }, "My figures (last hour)"), stats),
    h("section", { class: "card", "aria-labelledby": "history-title" }, h("h2", { id: "history-title" }, "Recently finished"), history));
  refresh();
}
