// Telling an employee about a new offer while they look elsewhere: a desktop notification (with
// the browser's permission) and an optional short sound, each switched on by the employee and
// remembered in this browser (docs/web.md, "The employee's page").
import { h } from "./dom.js";

const NOTIFY = "orchestrator.notify-offers";
const SOUND = "orchestrator.sound-offers";

/** The two switches, as labelled checkboxes, with a line saying what the browser allows. */
export function alertSettings() {
  const said = h("span", { class: "muted", id: "alerts-state", role: "status" });
  const notify = h("input", { type: "checkbox", id: "notify-offers", checked: localStorage.getItem(NOTIFY) === "1" && permission() === "granted" });
  const sound = h("input", { type: "checkbox", id: "sound-offers", checked: localStorage.getItem(SOUND) === "1" });
  notify.addEventListener("change", async () => {
    if (!notify.checked) { localStorage.removeItem(NOTIFY); said.textContent = ""; return; }
    if (!("Notification" in window)) { notify.checked = false; said.textContent = "This browser cannot show notifications."; return; }
    const answer = permission() === "granted" ? "granted" : await Notification.requestPermission();
    notify.checked = answer === "granted";
    if (notify.checked) { localStorage.setItem(NOTIFY, "1"); said.textContent = "You will be notified of new offers while this page is in the background."; }
    else { localStorage.removeItem(NOTIFY); said.textContent = "The browser blocks notifications for this site; allow them in its settings to use this."; }
  });
  sound.addEventListener("change", () => {
    if (sound.checked) { localStorage.setItem(SOUND, "1"); beep(); } else localStorage.removeItem(SOUND);
  });
  return h("div", { class: "actions" },
    h("label", { for: notify.id, class: "check" }, notify, " Notify me of new offers"),
    h("label", { for: sound.id, class: "check" }, sound, " Play a sound"), said);
}

function permission() {
  return "Notification" in window ? Notification.permission : "denied";
}

/** A new offer: a notification when switched on and the page is not being looked at; the sound
 *  when switched on. `open` brings the page forward when the notification is clicked. */
export function announceOffer(title, body) {
  if (localStorage.getItem(SOUND) === "1") beep();
  if (localStorage.getItem(NOTIFY) !== "1" || permission() !== "granted" || document.visibilityState === "visible") return;
  const note = new Notification(title, { body, tag: "orchestrator-offer" });
  note.onclick = () => { window.focus(); note.close(); };
}

/** A short two-tone chime, made by the browser (no sound file to fetch). */
function beep() {
  try {
    const context = new (window.AudioContext || window.webkitAudioContext)();
    for (const [frequency, start] of [[880, 0], [1320, 0.12]]) {
      const tone = context.createOscillator();
      const level = context.createGain();
      tone.frequency.value = frequency;
      level.gain.setValueAtTime(0.08, context.currentTime + start);
      level.gain.exponentialRampToValueAtTime(0.0001, context.currentTime + start + 0.18);
      tone.connect(level).connect(context.destination);
      tone.start(context.currentTime + start);
      tone.stop(context.currentTime + start + 0.2);
    }
    setTimeout(() => context.close(), 600);
  } catch {
    // No sound where the browser has no audio: the toast and the card still say it.
  }
}
