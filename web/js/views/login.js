// Logging in and registering (a new account is an employee; admins are made by admins).
import { api } from "../api.js";
import { field, fill, h, showErrors } from "../dom.js";
import { session } from "../session.js";

export function showLogin(view, notice = "") {
  const login = h("form", { id: "login-form", novalidate: true },
    h("h2", {}, "Log in"),
    field("Username", h("input", { name: "username", id: "login-username", autocomplete: "username", required: true })),
    field("Password", h("input", { name: "password", id: "login-password", type: "password", autocomplete: "current-password", required: true })),
    h("p", { class: "form-error", role: "alert" }),
    h("button", { type: "submit" }, "Log in"));
  login.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(login));
    try {
      session.start(await api("/api/auth/login", { method: "POST", body: data, token: null }));
    } catch (error) {
      showErrors(login, error.status === 401 ? { message: "Wrong username or password." } : error);
    }
  });

  const register = h("form", { id: "register-form", novalidate: true },
    h("h2", {}, "Register"),
    field("Username", h("input", { name: "username", id: "register-username", autocomplete: "username" })),
    field("Full name", h("input", { name: "fullName", id: "register-fullName", autocomplete: "name" })),
    field("Email", h("input", { name: "email", id: "register-email", type: "email", autocomplete: "email" })),
    field("Password", h("input", { name: "password", id: "register-password", type: "password", autocomplete: "new-password" })),
    h("p", { class: "form-error", role: "alert" }),
    h("button", { type: "submit" }, "Register and log in"));
  register.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(register));
    try {
      await api("/api/auth/register", { method: "POST", body: data, token: null });
      session.start(await api("/api/auth/login", { method: "POST", body: { username: data.username, password: data.password }, token: null }));
    } catch (error) {
      showErrors(register, error);
    }
  });

  fill(view,
    h("h1", {}, "Welcome to Orchestrator"),
    notice ? h("p", { class: "card", role: "status" }, notice) : null,
    h("div", { class: "grid" }, h("section", { class: "card" }, login), h("section", { class: "card" }, register)));
}
