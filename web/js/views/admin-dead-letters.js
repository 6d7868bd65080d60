// Dead letters: the messages a service could not handle (docs/operations.md, "Dead letters") —
// every service's, newest first, each with why; read one (headers and body), replay it (back to
// the queue it came from; the inbox makes it take effect once) or discard it, one or a service's all.
import { api } from "../api.js";
import { confirmAction, fill, h, when } from "../dom.js";
import { toast } from "../notifications.js";
import { count } from "./admin-tasks.js";

const SERVICES = ["tasks", "scheduler", "notifier", "analytics", "auth"];

export function deadLettersView(container) {
  const summary = h("p", { class: "muted", id: "dead-letter-summary", role: "status" });
  const list = h("div", { id: "dead-letters" });
  let open = null; // "service/id" of the letter whose details are shown

  function row(service, letter) {
    const key = `${service}/${letter.id}`;
    const details = h("tr", { class: "letter-details", hidden: open !== key },
      h("td", { colspan: 6 }, h("div", { class: "letter-body", id: `letter-${service}-${letter.id}` }, "Loading…")));
    if (open === key) showDetails(service, letter, details.firstChild.firstChild);
    const toggle = h("button", { type: "button", class: "link", "aria-expanded": String(open === key), "data-action": "show" }, "Details");
    toggle.addEventListener("click", () => {
      open = open === key ? null : key;
      details.hidden = open !== key;
      toggle.setAttribute("aria-expanded", String(open === key));
      if (open === key) showDetails(service, letter, details.firstChild.firstChild);
    });
    const replay = h("button", { type: "button", class: "secondary", "data-action": "replay" }, "Replay");
    replay.addEventListener("click", () => act(service, letter, "replay"));
    const discard = h("button", { type: "button", class: "danger", "data-action": "discard" }, "Discard");
    discard.addEventListener("click", () => act(service, letter, "discard"));
    return [
      h("tr", { "data-letter": key },
        h("td", {}, h("strong", {}, letter.type || "(no type)"), h("div", { class: "muted" }, `${service} · ${letter.queue}`)),
        h("td", { class: "letter-error" }, letter.error),
        h("td", { class: "wide-only nowrap" }, String(letter.attempts)),
        h("td", { class: "wide-only nowrap" }, letter.times > 1 ? `${letter.times} times` : "once"),
        h("td", { class: "nowrap" }, when(letter.lastDeadAt)),
        h("td", {}, h("div", { class: "actions" }, toggle, replay, discard))),
      details,
    ];
  }

  async function showDetails(service, letter, into) {
    try {
      const full = await api(`/api/dead-letters/${service}/${letter.id}`);
      const headers = Object.entries(full.headers || {}).sort(([a], [b]) => a.localeCompare(b));
      fill(into,
        h("dl", { class: "letter-facts" },
          h("dt", {}, "Message"), h("dd", {}, h("code", {}, full.messageId || "—")),
          h("dt", {}, "First dead"), h("dd", {}, when(full.firstDeadAt)),
          h("dt", {}, "Headers"), h("dd", {}, headers.length ? h("ul", {}, headers.map(([k, v]) => h("li", {}, h("code", {}, `${k}: ${v}`)))) : "none")),
        h("pre", { class: "letter-payload" }, pretty(full.body)));
    } catch (error) {
      fill(into, h("p", { class: "form-error" }, error.message));
    }
  }

  /** The body as indented JSON when it is JSON, as it came otherwise. */
  function pretty(body) {
    try { return JSON.stringify(JSON.parse(body), null, 2); } catch { return body || ""; }
  }

  async function act(service, letter, action) {
    const replaying = action === "replay";
    const answer = await confirmAction({
      title: replaying ? `Replay this ${letter.type || "message"}?` : `Discard this ${letter.type || "message"}?`,
      message: replaying
        ? `It goes back to ${letter.queue}. Fix what made it fail first, or it comes back here after its attempts. If it was handled after all, it is skipped.`
        : "It is deleted for good: nothing will handle it.",
      confirmLabel: replaying ? "Replay" : "Discard", reasonLabel: null, danger: !replaying,
    });
    if (!answer) return;
    try {
      await api(`/api/dead-letters/${service}/${letter.id}${replaying ? "/replay" : ""}`, { method: replaying ? "POST" : "DELETE" });
      toast(replaying ? `Replayed to ${letter.queue}.` : "Discarded.", "good");
    } catch (error) {
      toast(error.message, "bad");
    }
    load();
  }

  async function load() {
    try {
      const pages = await Promise.all(SERVICES.map((service) => api(`/api/dead-letters/${service}?limit=100`)));
      const letters = pages.flatMap((page, i) => page.items.map((letter) => [SERVICES[i], letter]))
        .sort(([, a], [, b]) => b.lastDeadAt.localeCompare(a.lastDeadAt));
      if (!letters.length) {
        fill(summary, "");
        fill(list, h("p", { class: "muted", id: "no-dead-letters" }, "No dead letters: every message was handled."));
        return;
      }
      const services = new Set(letters.map(([service]) => service));
      fill(summary, `${count(letters.length, "dead letter")} in ${services.size === 1 ? "1 service" : `${services.size} services`}` +
        (pages.some((page) => page.nextBefore) ? " (the newest 100 of each shown)" : ""));
      fill(list, h("div", { class: "table-wrap" }, h("table", { id: "dead-letter-table" },
        h("thead", {}, h("tr", {}, ["Message", "Why", "Attempts", "Dead-lettered", "Last", ""].map((title, i) =>
          h("th", { scope: "col", class: i === 2 || i === 3 ? "wide-only nowrap" : "nowrap" }, title)))),
        h("tbody", {}, letters.flatMap(([service, letter]) => row(service, letter))))));
    } catch (error) {
      fill(list, h("p", { class: "form-error" }, error.message));
    }
  }

  const refresh = h("button", { type: "button", class: "secondary", id: "dead-letters-refresh" }, "Refresh");
  refresh.addEventListener("click", () => load());
  fill(container, h("section", { class: "card" }, h("h2", {}, "Dead letters"),
    h("p", { class: "muted" }, "Messages a service could not handle after its attempts, newest first. Read why, fix the cause, then replay — or discard what can never be handled."),
    h("div", { class: "actions" }, summary, refresh), list));
  fill(list, h("p", { class: "muted" }, "Loading…"));
  load();
  return load;
}
