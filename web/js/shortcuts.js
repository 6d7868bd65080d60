// Keyboard shortcuts for the common actions, listed on a "?" overlay (docs/web.md, "Keyboard").
// A key typed into a field, or while a dialog is open, is the field's or the dialog's: shortcuts
// act only on the page itself. Two-key shortcuts ("g t") take the second key within a second.
import { h } from "./dom.js";
import { session } from "./session.js";

/** [keys, what it does, who has it, action]. */
const SHORTCUTS = [
  ["?", "Show these shortcuts", "all", () => showShortcuts()],
  ["g t", "Go to the tasks", "admin", () => go("#/tasks")],
  ["g q", "Go to the queue", "admin", () => go("#/queue")],
  ["g e", "Go to the team (employees)", "admin", () => go("#/team")],
  ["g a", "Go to the analytics", "admin", () => go("#/analytics")],
  ["g l", "Go to the live events", "admin", () => go("#/events")],
  ["/", "Search the tasks", "admin", () => focusOn("#filter-search", "#/tasks")],
  ["n", "New task: to the name field", "admin", () => focusOn("#task-name", "#/tasks")],
  ["e", "Edit the task shown", "admin", () => press("#edit-task")],
  ["a", "To the first offer's Accept button", "employee", () => focusOn("#offers [data-testid=accept]")],
  ["w", "Ask for work", "employee", () => press("#get-next")],
];

function go(hash) { location.hash = hash; }

/** Focuses an element, going to `hash` first when it is not on the page. */
function focusOn(selector, hash) {
  const element = document.querySelector(selector);
  if (element) return element.focus();
  if (hash) {
    go(hash);
    setTimeout(() => document.querySelector(selector)?.focus(), 300);
  }
}

function press(selector) { document.querySelector(selector)?.click(); }

function mine() {
  const role = session.isAdmin ? "admin" : "employee";
  return SHORTCUTS.filter(([, , who]) => who === "all" || who === role);
}

/** The overlay: a modal dialog listing the signed-in user's shortcuts. */
export function showShortcuts() {
  if (document.getElementById("shortcuts")) return;
  const close = h("button", { type: "button", class: "secondary", id: "shortcuts-close" }, "Close");
  const dialog = h("dialog", { class: "confirm", id: "shortcuts", "aria-labelledby": "shortcuts-title" },
    h("h2", { id: "shortcuts-title" }, "Keyboard shortcuts"),
    h("table", {}, h("tbody", {}, mine().map(([keys, what]) => h("tr", {},
      h("td", {}, keys.split(" ").map((key, i) => [i ? " then " : "", h("kbd", {}, key)])), h("td", {}, what))))),
    h("p", { class: "muted" }, "They work anywhere on the page except while typing in a field."),
    h("div", { class: "actions" }, close));
  const opener = document.activeElement;
  close.addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => { dialog.remove(); if (opener?.isConnected) opener.focus(); });
  document.body.append(dialog);
  dialog.showModal();
  close.focus();
}

/** Whether a key belongs to what has the focus (a field, an open dialog) rather than the page. */
function typing(event) {
  const target = event.target;
  return event.ctrlKey || event.metaKey || event.altKey || document.querySelector("dialog[open]")
    || target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

let pending = null;
let pendingTimer = null;

/** Installs the listener once; the shortcuts offered follow whoever is signed in. */
export function installShortcuts() {
  document.addEventListener("keydown", (event) => {
    if (!session.token || typing(event)) return;
    const key = pending ? `${pending} ${event.key}` : event.key;
    clearTimeout(pendingTimer);
    pending = null;
    const shortcut = mine().find(([keys]) => keys === key);
    if (shortcut) {
      event.preventDefault();
      shortcut[3]();
    } else if (mine().some(([keys]) => keys.startsWith(`${event.key} `))) {
      pending = event.key;
      pendingTimer = setTimeout(() => { pending = null; }, 1000);
      event.preventDefault();
    }
  });
}
