// Boot: the login page, or the admin's or the employee's dashboard with a live feed.
import { fill } from "./dom.js";
import { LiveFeed } from "./live.js";
import { forgetNotifications, installNotifications } from "./notifications.js";
import { session } from "./session.js";
import { installShortcuts, showShortcuts } from "./shortcuts.js";
import { showAdmin } from "./views/admin.js";
import { showEmployee } from "./views/employee.js";
import { showLogin } from "./views/login.js";

const view = document.getElementById("view");
const indicator = document.getElementById("connection");
const who = document.getElementById("who");
const logout = document.getElementById("logout");
const help = document.getElementById("shortcuts-help");
const bell = document.getElementById("notifications-button");
let feed = null;
let signedIn = false;

function render(notice = "") {
  feed?.stop();
  feed = null;
  signedIn = Boolean(session.token);
  logout.hidden = !signedIn;
  help.hidden = !signedIn;
  bell.hidden = !signedIn;
  if (!signedIn) {
    forgetNotifications();
    fill(who);
    indicator.hidden = true;
    showLogin(view, notice);
    return;
  }
  indicator.hidden = false;
  fill(who, `${session.user.fullName || session.user.username} · ${session.isAdmin ? "admin" : "employee"}`);
  feed = new LiveFeed(indicator);
  (session.isAdmin ? showAdmin : showEmployee)(view, feed);
  feed.start();
  view.focus();
}

session.addEventListener("change", () => { if (!signedIn) render(); });
session.addEventListener("end", (event) => render(event.detail));
logout.addEventListener("click", () => session.end("You are logged out."));
installShortcuts();
installNotifications();
help.addEventListener("click", showShortcuts);
render();
