// The notification centre: every message the page gives (a task completed, an offer withdrawn,
// "Saved…") is kept, newest first, behind the bell in the header, with an unread count. On screen
// a message shows as one toast at a time — a newer one takes its place and says how many more
// arrived meanwhile — so a burst of events never stacks over the page; none is lost, since the
// centre has them all.
import { svg } from "./charts.js";
import { fill, h } from "./dom.js";

/** How many messages the centre keeps (the oldest go first). */
export const KEPT = 100;
/** How long a toast stays, in ms. */
const TOAST_MS = 6000;

const entries = [];
let unseenSinceToast = 0;
let toastTimer = null;

const bell = () => document.getElementById("notifications-button");
const panel = () => document.getElementById("notifications");
const isOpen = () => !panel().hidden;

/** Shows `message` as the toast (replacing the one showing) and keeps it in the centre. `kind`
 *  is "good", "bad" or "" (the toast's colour and the entry's mark). */
export function toast(message, kind = "") {
  entries.unshift({ message, kind, at: new Date(), read: isOpen() });
  entries.length = Math.min(entries.length, KEPT);
  drawBell();
  if (isOpen()) drawList();
  const box = document.getElementById("toasts");
  const showing = box.querySelector(".toast");
  unseenSinceToast = showing ? unseenSinceToast + 1 : 0;
  const more = unseenSinceToast > 0
    ? h("button", { type: "button", class: "toast-more", onclick: (event) => { event.stopPropagation(); dismiss(); openCentre(); } },
      `+${unseenSinceToast} more in notifications`)
    : null;
  const item = h("div", { class: `toast ${kind}` },
    h("div", { class: "toast-body" }, h("span", { class: "toast-text", title: message }, message), more),
    h("button", { type: "button", class: "toast-close", "aria-label": "Dismiss", onclick: dismiss }, "×"));
  fill(box, item);
  clearTimeout(toastTimer);
  toastTimer = setTimeout(dismiss, TOAST_MS);
}

function dismiss() {
  clearTimeout(toastTimer);
  unseenSinceToast = 0;
  document.getElementById("toasts")?.replaceChildren();
}

function unread() {
  return entries.filter((entry) => !entry.read).length;
}

function drawBell() {
  const button = bell();
  if (!button) return;
  const count = unread();
  button.setAttribute("aria-label", count ? `Notifications, ${count} unread` : "Notifications");
  fill(button, bellIcon(), count ? h("span", { class: "badge", id: "notifications-unread" }, count > 99 ? "99+" : count) : null);
}

/** A bell drawn in the text's colour (an emoji needs a font many systems lack). */
function bellIcon() {
  return svg("svg", { viewBox: "0 0 24 24", width: 18, height: 18, "aria-hidden": "true", fill: "none", stroke: "currentColor", "stroke-width": 2, "stroke-linejoin": "round" },
    svg("path", { d: "M6 16v-5a6 6 0 0 1 12 0v5l2 2H4z" }), svg("path", { d: "M10 20.5a2 2 0 0 0 4 0" }));
}

function drawList() {
  const list = document.getElementById("notification-list");
  fill(list, entries.length
    ? entries.map((entry) => h("li", { class: `notification ${entry.kind}` },
      h("span", { class: "notification-text" }, entry.message),
      h("time", { datetime: entry.at.toISOString(), class: "muted" }, entry.at.toLocaleTimeString())))
    : h("li", { class: "muted", id: "no-notifications" }, "Nothing yet."));
}

/** Opens the centre (the toast goes: its message is at the top of the list): every message read
 *  from then on; the focus moves into it. */
export function openCentre() {
  dismiss();
  for (const entry of entries) entry.read = true;
  drawList();
  drawBell();
  // Just under the bell, wherever the header's wrapping put it.
  panel().style.top = `${Math.max(8, bell().getBoundingClientRect().bottom + 8)}px`;
  panel().hidden = false;
  bell().setAttribute("aria-expanded", "true");
  panel().querySelector("h2").focus();
}

function closeCentre(returnFocus = true) {
  if (!isOpen()) return;
  panel().hidden = true;
  bell().setAttribute("aria-expanded", "false");
  if (returnFocus) bell().focus();
}

/** Forgets every message (at log out: the next person must not read them). */
export function forgetNotifications() {
  entries.length = 0;
  dismiss();
  closeCentre(false);
  drawBell();
}

/** Wires the bell and its panel (once, at boot). Escape or a click elsewhere closes it. */
export function installNotifications() {
  const box = panel();
  fill(box,
    h("div", { class: "notifications-head" },
      h("h2", { tabindex: "-1" }, "Notifications"),
      h("button", { type: "button", class: "secondary", id: "notifications-clear", onclick: () => { entries.length = 0; drawList(); drawBell(); } }, "Clear"),
      h("button", { type: "button", class: "secondary", "aria-label": "Close notifications", onclick: () => closeCentre() }, "×")),
    h("ul", { id: "notification-list", class: "notification-list" }));
  bell().addEventListener("click", () => (isOpen() ? closeCentre() : openCentre()));
  document.addEventListener("keydown", (event) => { if (event.key === "Escape" && isOpen()) closeCentre(); });
  // The path as dispatched: a click's target may be gone by now (the bell redraws its icon).
  document.addEventListener("click", (event) => {
    const path = event.composedPath();
    if (isOpen() && !path.includes(box) && !path.includes(bell())) closeCentre(false);
  });
  drawBell();
}
