// Small helpers for building the page without a framework.
import { REASON_MAX } from "./limits.js";

/** Makes an element: h("button", {type: "button", onclick}, "Save"). Attributes starting with
 *  "on" become listeners; false/null attributes are left out; children may be nested arrays. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on") && typeof value === "function") element.addEventListener(name.slice(2), value);
    else if (name === "value") element.value = value;
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** Replaces an element's content. */
export function fill(element, ...children) {
  element.replaceChildren();
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

export function when(iso) {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "—" : date.toLocaleString();
}

/** "12 s", "3 min", "2 h 5 min" */
export function duration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return "—";
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export function ms(value) {
  return value === null || value === undefined ? "—" : value >= 1000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}

export function statusPill(status) {
  return h("span", { class: `pill status-${status}` }, status);
}

/** For a view whose loads overlap (a filter changed, a range shown, a live refresh while the
 *  last answer is on its way): an older answer arriving last must not be drawn over a newer
 *  one. `const begin = newestOnly()` once per view; each load starts with
 *  `const current = begin()` and draws only while `current()` is true. */
export function newestOnly() {
  let latest = 0;
  return () => {
    const mine = ++latest;
    return () => mine === latest;
  };
}

/** Calls `run` at most once per `wait` ms, at the end of a burst. */
export function debounce(run, wait = 250) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => run(...args), wait);
  };
}

/** Shows an API error next to the form's fields (error.field names the input) or on the form. */
export function showErrors(form, error) {
  for (const element of form.querySelectorAll("[aria-invalid]")) element.removeAttribute("aria-invalid");
  for (const element of form.querySelectorAll(".field-error, .form-error")) element.textContent = "";
  if (!error) return;
  // Every field the server named (several at once for a registration), focus on the first.
  const problems = error.fields?.length ? error.fields : [{ field: error.field, message: error.message }];
  let first = null;
  for (const problem of problems) {
    const input = problem.field && form.querySelector(`[name="${CSS.escape(problem.field)}"]`);
    if (input) {
      input.setAttribute("aria-invalid", "true");
      const slot = form.querySelector(`#${input.id}-error`);
      if (slot) slot.textContent = inWords(problem.message, problem.field, form.querySelector(`label[for="${CSS.escape(input.id)}"]`));
      first ??= input;
    } else {
      const slot = form.querySelector(".form-error");
      if (slot) slot.textContent = problem.message;
    }
  }
  first?.focus();
}

/** The API names a field as the code spells it ("fullName must be …"); beside the field, say it
 *  as its label does ("Full name must be …"). */
function inWords(message, fieldName, label) {
  const name = label?.textContent.replace(/\s*\(.*\)\s*$/, "").trim();
  if (!name || !fieldName || !message.startsWith(fieldName)) return message;
  const rest = message.slice(fieldName.length);
  return /^[\s.,;:]/.test(rest) || rest === "" ? name + rest : message;
}

/** A labelled input with a slot for its error message. */
export function field(label, input) {
  const id = input.id || `f-${input.getAttribute("name")}`;
  input.id = id;
  input.setAttribute("aria-describedby", `${id}-error`);
  return h("div", { class: "field" }, h("label", { for: id }, label), input, h("span", { class: "field-error", id: `${id}-error` }));
}

/** A labelled headline number. */
export function figure(label, value) {
  return h("div", {}, h("div", { class: "muted" }, label), h("div", { class: "figure" }, value ?? "—"));
}

/** Asks before something that cannot be undone, in a modal dialog with an optional reason field
 *  (none when `reasonLabel` is null). Resolves to {reason} when confirmed, null when not; focus
 *  goes back where it was. */
export function confirmAction({ title, message, confirmLabel, cancelLabel = "Keep it", reasonLabel = "Reason (optional)", danger = true }) {
  return new Promise((resolve) => {
    const opener = document.activeElement;
    const reason = h("textarea", { name: "reason", id: "confirm-reason", maxlength: REASON_MAX });
    const yes = h("button", { type: "submit", class: danger ? "danger" : "", value: "yes", id: "confirm-yes" }, confirmLabel);
    const no = h("button", { type: "submit", class: "secondary", value: "no", id: "confirm-no" }, cancelLabel);
    const form = h("form", { method: "dialog" }, h("h2", { id: "confirm-title" }, title), h("p", {}, message),
      reasonLabel === null ? null : field(reasonLabel, reason), h("div", { class: "actions" }, yes, no));
    const dialog = h("dialog", { class: "confirm", "aria-labelledby": "confirm-title" }, form);
    dialog.addEventListener("close", () => {
      const confirmed = dialog.returnValue === "yes";
      dialog.remove();
      if (opener?.isConnected) opener.focus();
      resolve(confirmed ? { reason: reason.value.trim() || null } : null);
    });
    document.body.append(dialog);
    dialog.showModal();
    (reasonLabel === null ? yes : reason).focus();
  });
}
