// The admin's dashboard: tabs for tasks (with the create form and details), the queue, the
// team, analytics, the live event feed and the dead letters; toasts when work completes or fails.
import { api } from "../api.js";
import { debounce, fill, h, when } from "../dom.js";
import { toast } from "../notifications.js";
import { analyticsView } from "./admin-analytics.js";
import { deadLettersView } from "./admin-dead-letters.js";
import { createForm, taskDetail, taskList } from "./admin-tasks.js";
import { employeesView, queueView } from "./admin-team.js";
import { workloadView } from "./admin-workload.js";

const TABS = [["tasks", "Tasks"], ["queue", "Queue"], ["team", "Team"], ["analytics", "Analytics"], ["events", "Live events"],
  ["dead-letters", "Dead letters"]];

export function showAdmin(view, feed) {
  const events = [];
  const nav = h("nav", { class: "tabs", "aria-label": "Sections" });
  const content = h("div", { id: "admin-content" });
  let reload = null;
  let reloadOn = () => false;

  function route() {
    if (!view.contains(nav)) return window.removeEventListener("hashchange", route);
    const [path, query = ""] = location.hash.split("?");
    const [, tab = "tasks", id] = path.split("/");
    const filters = Object.fromEntries(new URLSearchParams(query));
    fill(nav, TABS.map(([key, label]) => h("a", { href: `#/${key}`, "aria-current": key === tab ? "page" : false, id: `tab-${key}` }, label)));
    if (tab === "tasks" && id) {
      reload = taskDetail(content, id);
      reloadOn = (event) => String(event.data?.taskId).toLowerCase() === id.toLowerCase();
    } else if (tab === "queue") {
      // The queue follows the feed itself: it checks each load against the events' versions.
      reload = queueView(content, feed, events);
      reloadOn = () => false;
    } else if (tab === "team") {
      const workload = filters.view === "workload";
      const views = h("nav", { class: "subtabs", "aria-label": "Team views" },
        h("a", { href: "#/team", id: "team-people", "aria-current": workload ? false : "page" }, "People"),
        h("a", { href: "#/team?view=workload", id: "team-workload", "aria-current": workload ? "page" : false }, "Workload"));
      const body = h("div");
      fill(content, views, body);
      reload = workload ? workloadView(body) : employeesView(body, filters);
      reloadOn = (event) => /^(presence|employee|user|task)\./.test(event.type);
    } else if (tab === "analytics") {
      reload = analyticsView(content);
      reloadOn = (event) => event.type === "analytics.updated";
    } else if (tab === "dead-letters") {
      // Dead letters are not events on the feed: the view loads when opened and on Refresh.
      reload = deadLettersView(content);
      reloadOn = () => false;
    } else if (tab === "events") {
      reload = () => drawEvents();
      reloadOn = () => true;
      drawEvents();
    } else {
      const form = createForm();
      const list = h("section", { class: "card", "aria-labelledby": "list-title" }, h("h2", { id: "list-title" }, "All tasks"), h("div"));
      fill(content, h("section", { class: "card" }, form), list);
      reload = taskList(list.lastChild, filters);
      form.addEventListener("created", () => reload());
      reloadOn = (event) => event.type.startsWith("task.");
    }
  }

  function drawEvents() {
    fill(content, h("section", { class: "card" }, h("h2", {}, "Live events"),
      h("ul", { class: "feed", id: "event-feed" }, events.length
        ? events.map((e) => h("li", {}, h("strong", {}, e.type), ` · ${when(e.occurredAt)} · `, h("code", {}, JSON.stringify(e.data))))
        : h("li", { class: "muted" }, "Waiting for events…"))));
  }

  // Toasts name the task: names come from task.created events, or are looked up once.
  const names = new Map();
  async function nameOf(taskId) {
    if (!names.has(taskId)) {
      names.set(taskId, api(`/api/admin/tasks/${taskId}`).then((task) => task.name).catch(() => "a task"));
      if (names.size > 1000) names.delete(names.keys().next().value);
    }
    return names.get(taskId);
  }
  async function announce(event) {
    const data = event.data;
    if (event.type === "task.created") names.set(data.taskId, Promise.resolve(data.name));
    if (!["task.completed", "task.failed", "assignment.refused"].includes(event.type)) return;
    const name = `“${await nameOf(data.taskId)}”`;
    if (event.type === "task.completed") toast(`Completed ${name}${data.message ? `: ${data.message}` : ""}`, "good");
    if (event.type === "task.failed") toast(`Failed ${name}${data.willRetry ? " (will retry)" : ""}: ${data.message}`, "bad");
    if (event.type === "assignment.refused") toast(`Could not assign ${name}: ${data.reason}`, "bad");
  }

  const soon = debounce(() => reload?.(), 200);
  feed.addEventListener("event", ({ detail: event }) => {
    events.unshift({ ...event, receivedAt: Date.now() });
    events.length = Math.min(events.length, 100);
    announce(event);
    if (reloadOn(event)) soon();
  });
  fill(view, h("h1", {}, "Operations"), nav, content);
  window.addEventListener("hashchange", route);
  route();
}
