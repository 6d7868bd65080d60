// Who is logged in: the token (kept in sessionStorage, so it ends with the tab), its expiry and
// the account; renewed through POST /api/auth/refresh a minute before it expires.
const KEY = "orchestrator.session";

class Session extends EventTarget {
  #state = null;
  #timer = null;

  constructor() {
    super();
    try { this.#state = JSON.parse(sessionStorage.getItem(KEY)); } catch { this.#state = null; }
    if (this.#state && new Date(this.#state.expiresAt) <= new Date()) this.#state = null;
    if (this.#state) this.#schedule();
  }

  get token() { return this.#state?.token ?? null; }
  get user() { return this.#state?.user ?? null; }
  get isAdmin() { return this.user?.role === "ADMIN"; }

  /** Takes the answer of login or refresh: {token, expiresAt, user?}. */
  start({ token, expiresAt, user }) {
    this.#state = { token, expiresAt, user: user ?? this.user };
    sessionStorage.setItem(KEY, JSON.stringify(this.#state));
    this.#schedule();
    this.dispatchEvent(new Event("change"));
  }

  end(reason = "") {
    clearTimeout(this.#timer);
    this.#state = null;
    sessionStorage.removeItem(KEY);
    this.dispatchEvent(new CustomEvent("end", { detail: reason }));
  }

  /** The server refused the token: the session is over. */
  expired() { this.end("Your session has ended. Please log in again."); }

  #schedule() {
    clearTimeout(this.#timer);
    const left = new Date(this.#state.expiresAt).getTime() - Date.now();
    this.#timer = setTimeout(() => this.refresh(), Math.max(1000, left - 60_000));
  }

  async refresh() {
    const token = this.token;
    if (!token) return;
    try {
      const response = await fetch("/api/auth/refresh", { method: "POST", headers: { Authorization: `Bearer ${token}`, Accept: "application/json" } });
      if (!response.ok) throw new Error(String(response.status));
      this.start(await response.json());
    } catch {
      this.expired();
    }
  }
}

export const session = new Session();
