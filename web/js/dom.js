// Small helpers for building the page without a framework.

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

/** How many toasts show at once; more collapse into one "+N more" line. */
export const TOAST_LIMIT = 3;
const hiddenToasts = [];

/** A short-lived message in the corner (also read out by screen readers). Each can be dismissed;
 *  at most TOAST_LIMIT show at once and the rest collapse into a count, so a burst of events never
 *  buries the page. */
export function toast(message, kind = "") {
  const box = document.getElementById("toasts");
  const item = h("div", { class: `toast ${kind}` },
    h("span", { class: "toast-text", title: message }, message),
    h("button", { type: "button", class: "toast-close", "aria-label": "Dismiss", onclick: () => dismiss(item) }, "×"));
  const shown = box.querySelectorAll(".toast:not(.toast-more)").length;
  if (shown >= TOAST_LIMIT) {
    hiddenToasts.push({ message, kind });
    drawMore(box);
    return;
  }
  const more = box.querySelector(".toast-more");
  if (more) more.before(item); else box.append(item);
  setTimeout(() => dismiss(item), 6000);
}

function dismiss(item) {
  if (!item.isConnected) return;
  const box = item.parentElement;
  item.remove();
  // A place came free: the oldest collapsed message takes it.
  const next = hiddenToasts.shift();
  drawMore(box);
  if (next) toast(next.message, next.kind);
}

function drawMore(box) {
  let more = box.querySelector(".toast-more");
  if (!hiddenToasts.length) { more?.remove(); return; }
  if (!more) {
    more = h("button", { type: "button", class: "toast toast-more", onclick: () => { hiddenToasts.length = 0; more.remove(); } });
    box.append(more);
  }
  fill(more, `+${hiddenToasts.length} more — dismiss`);
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
  const input = error.field && form.querySelector(`[name="${CSS.escape(error.field)}"]`);
  if (input) {
    input.setAttribute("aria-invalid", "true");
    const slot = form.querySelector(`#${input.id}-error`);
    if (slot) slot.textContent = error.message;
    input.focus();
  } else {
    const slot = form.querySelector(".form-error");
    if (slot) slot.textContent = error.message;
  }
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
