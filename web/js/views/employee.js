// The employee's page: availability, offers to accept, work in progress (progress slider,
// comments, complete or fail with a comment), personal figures and history — kept current by
// the live feed.
import { announceOffer, alertSettings } from "../alerts.js";
import { api } from "../api.js";
import { MESSAGE_MAX } from "../limits.js";
import { confirmAction, debounce, field, figure, fill, h, ms, showErrors, statusPill, when } from "../dom.js";
import { toast } from "../notifications.js";
import { session } from "../session.js";
import { due } from "./admin-tasks.js";

export function showEmployee(view, feed) {
  const me = session.user.id.toLowerCase();
  const availability = h("p", { id: "availability-state", class: "muted" }, "Availability: …");
  const available = h("button", { type: "button", id: "set-available", "aria-pressed": "false" }, "Available");
  const away = h("button", { type: "button", id: "set-away", class: "secondary", "aria-pressed": "false" }, "Away");
  // What happened to the employee's work that they did not do themselves: kept until dismissed.
  const notices = h("div", { id: "notices", role: "status", "aria-live": "polite" });
  const offers = h("div", { id: "offers" });
  const working = h("div", { id: "in-progress" });
  const stats = h("div", { id: "my-stats", class: "figures" });
  const history = h("div", { id: "history", class: "table-wrap" });
  const cards = new Map();
  /** The tasks last shown, by id: events carry ids, notices name the task. */
  const known = new Map();

  /** Why the scheduler set someone Away, in their words. */
  const AWAY_BECAUSE = {
    reservation_expired: "an offer went unanswered until it lapsed, so new offers are paused until you choose Available",
  };

  function showAvailability(value, reason) {
    availability.dataset.availability = value;
    const why = value === "AWAY" && AWAY_BECAUSE[reason] ? ` (${AWAY_BECAUSE[reason]})` : "";
    availability.textContent = `Availability: ${value === "AVAILABLE" ? "available for new work" : "away — no new offers"}${why}`;
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

  function notice(text) {
    const item = h("div", { class: "notice" }, h("p", {}, text));
    item.append(h("button", { type: "button", class: "secondary", onclick: () => item.remove() }, "Dismiss"));
    notices.append(item);
  }

  /** "0:42 left to accept", counting down each second until the offer lapses. */
  function countdown(task) {
    const shown = h("span", { class: "countdown", "data-testid": "offer-countdown" });
    if (!task.offerExpiresAt) return shown;
    const end = new Date(task.offerExpiresAt).getTime();
    const tick = () => {
      if (!shown.isConnected && shown.dataset.started) { clearInterval(timer); return; }
      shown.dataset.started = "1";
      const left = Math.max(0, Math.round((end - Date.now()) / 1000));
      shown.textContent = left > 0 ? ` · ${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")} left to accept` : " · the offer is lapsing";
      shown.classList.toggle("soon", left <= 15);
    };
    const timer = setInterval(tick, 1000);
    tick();
    return shown;
  }

  function offerCard(task) {
    const accept = h("button", { type: "button", "data-testid": "accept" }, "Accept");
    const decline = h("button", { type: "button", class: "secondary", "data-testid": "decline" }, "Decline…");
    accept.addEventListener("click", async () => {
      accept.disabled = decline.disabled = true;
      try {
        await act(task, "accept");
        await refresh();
        // The card moved to "In progress": carry focus to it rather than dropping it on the page.
        cards.get(task.id)?.querySelector("textarea")?.focus();
      } catch (error) {
        toast(error.message, "bad");
        refresh();
      }
    });
    decline.addEventListener("click", async () => {
      const answer = await confirmAction({
        title: `Decline “${task.name}”?`, danger: false,
        message: "It goes back to the queue for someone else, and is not offered to you again for a while. You stay available for other work.",
        confirmLabel: "Decline offer", reasonLabel: "Reason (optional, the admins see it)",
      });
      if (!answer) return;
      accept.disabled = decline.disabled = true;
      try {
        await act(task, "decline", answer.reason ? { reason: answer.reason } : {});
        toast(`Declined “${task.name}”.`);
      } catch (error) {
        toast(error.message, "bad");
      }
      // The card is about to go: focus its list's heading first, not the page's body after.
      document.getElementById("offers-title")?.focus();
      refresh();
    });
    return h("article", { class: "card", "data-task": task.id },
      h("h3", {}, task.name), h("p", {}, task.description),
      h("p", { class: "muted" }, `Priority ${task.priority}`, task.requiredSkills.length ? ` · needs ${task.requiredSkills.join(", ")}` : "",
        task.dueAt ? [" · due ", due(task)] : "", countdown(task)),
      h("div", { class: "actions" }, accept, decline));
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
    const comment = h("textarea", { name: "message", id: `message-${task.id}`, maxlength: MESSAGE_MAX });
    const thread = h("ul", { class: "comments", "aria-label": "Comments", "data-testid": "comments" });
    async function loadComments() {
      try {
        const { items } = await api(`/api/tasks/${task.id}/comments`);
        fill(thread, items.map((c) => h("li", {}, h("strong", {}, String(c.authorId).toLowerCase() === me ? "You" : "Admin"), ` · ${when(c.createdAt)}: `, c.message)));
      } catch {
        // The card still works without its thread; the next event tries again.
      }
    }
    loadComments();
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
      thread, form);
    card.comment = comment;
    card.loadComments = loadComments;
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
      for (const task of [...dashboard.current, ...dashboard.recent]) known.set(task.id, task);
      sync(offers, dashboard.current.filter((t) => t.status === "ASSIGNED"), offerCard, "Nothing offered right now.");
      sync(working, dashboard.current.filter((t) => t.status === "IN_PROGRESS"), workCard, "Nothing in progress.");
      // Each ended attempt: a failure that was retried is here too, with where the task is now.
      fill(history, dashboard.recent.length
        ? h("table", {}, h("thead", {}, h("tr", {}, ["Task", "Your outcome", "The task now", "Ended"].map((t) => h("th", { scope: "col" }, t)))),
            h("tbody", {}, dashboard.recent.map((t) => h("tr", {}, h("td", {}, t.name), h("td", {}, statusPill(t.outcome)),
              h("td", {}, t.status === t.outcome ? "—" : statusPill(t.status)), h("td", {}, when(t.finishedAt))))))
        : h("p", { class: "muted" }, "No finished tasks yet."));
    } catch (error) {
      toast(error.message, "bad");
    }
    try {
      const mine = await api("/api/scheduler/me");
      showAvailability(mine.availability, mine.availabilityReason);
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
    const name = (id) => known.get(id)?.name || cards.get(id)?.querySelector("h3")?.textContent || "a task";
    if (event.type === "employee.availability_changed" && String(data.employeeId).toLowerCase() === me) {
      showAvailability(data.availability, data.reason);
      if (data.reason === "reservation_expired") notice("You are now Away: an offer went unanswered until it lapsed. Choose Available when you are ready for new offers.");
    }
    if (event.type === "task.assigned" && String(data.assigneeId).toLowerCase() === me) {
      toast("A new task was offered to you.");
      announceOffer("A new task was offered to you", data.expiresAt ? `Accept it by ${when(data.expiresAt)}.` : "Open Orchestrator to accept it.");
      if (waitingForOffer) { clearTimeout(waitingForOffer); waitingForOffer = null; asked.textContent = "A task was offered to you."; }
    }
    if (event.type === "task.commented" && String(data.authorId).toLowerCase() !== me && cards.has(data.taskId)) {
      cards.get(data.taskId).loadComments?.();
      toast(`New comment on “${name(data.taskId)}”.`);
    }
    if (event.type === "task.cancelled" && String(data.assigneeId).toLowerCase() === me) {
      const unsent = cards.get(data.taskId)?.comment?.value.trim();
      notice(`“${name(data.taskId)}” was cancelled by an admin${data.reason ? `: ${data.reason}` : " (no reason given)"}.`
        + (unsent ? ` Your unsent comment was: “${unsent}”` : ""));
    }
    if (event.type === "task.edited" && String(data.assigneeId).toLowerCase() === me) {
      const what = { priority: `priority ${data.priority}`, description: "description", dueAt: data.dueAt ? `due ${when(data.dueAt)}` : "no due time", requiredSkills: "skills" };
      toast(`An admin changed “${name(data.taskId)}”: ${data.changed.map((field) => what[field] ?? field).join(", ")}.`);
    }
    if (event.type === "task.requeued" && String(data.avoidEmployeeId).toLowerCase() === me && data.reason !== "declined" && data.reason !== "retry") {
      const why = { reservation_expired: "the offer lapsed", employee_gone: "you were offline too long", admin_unassign: "an admin took it back" }[data.reason] || data.reason;
      notice(`“${name(data.taskId)}” went back to the queue: ${why}${data.message ? ` (“${data.message}”)` : ""}.`);
    }
    if (event.type.startsWith("task.") || event.type === "reservation.expired") soon();
  });

  const next = h("button", { type: "button", class: "secondary", id: "get-next" }, "Ask for work");
  // The scheduler answers with an offer or not at all: after a few seconds without one, say so.
  const asked = h("p", { id: "ask-result", class: "muted", role: "status" });
  let waitingForOffer = null;
  next.addEventListener("click", async () => {
    try {
      next.disabled = true;
      await api("/api/employee/tasks/get-next", { method: "POST" });
      asked.textContent = "Asked the scheduler for your next task…";
      clearTimeout(waitingForOffer);
      waitingForOffer = setTimeout(() => {
        waitingForOffer = null;
        asked.textContent = "Nothing you can take is waiting right now. You are available: the next task you can take will be offered to you the moment it arrives.";
      }, 3000);
    } catch (error) {
      toast(error.message, "bad");
    } finally {
      next.disabled = false;
    }
  });

  fill(view,
    h("h1", {}, "My work"),
    notices,
    h("section", { class: "card", "aria-labelledby": "availability-title" },
      h("h2", { id: "availability-title" }, "Availability"), availability, h("div", { class: "actions" }, available, away, next), asked,
      alertSettings()),
    h("div", { class: "grid" },
      h("section", { class: "card", "aria-labelledby": "offers-title" }, h("h2", { id: "offers-title", tabindex: -1 }, "Offered to me"), offers),
      h("section", { class: "card", "aria-labelledby": "working-title" }, h("h2", { id: "working-title" }, "In progress"), working)),
    h("section", { class: "card", "aria-labelledby": "stats-title" }, h("h2", { id: "stats-title" }, "My figures (last hour)"), stats),
    h("section", { class: "card", "aria-labelledby": "history-title" }, h("h2", { id: "history-title" }, "Recently finished"), history));
  refresh();
}
