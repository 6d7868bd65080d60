// The live feed: the notifier's WebSocket, resumed by cursor after any drop; when WebSockets
// cannot connect (blocked by a proxy, say) the long-poll endpoint instead, with a WebSocket
// attempt every minute. Every event is delivered once, in cursor order. The connection
// indicator says which: "live", "polling" or "offline".
import { api } from "./api.js";
import { session } from "./session.js";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class LiveFeed extends EventTarget {
  #cursor = null;
  #socket = null;
  #stopped = false;
  #failures = 0;
  #mode = "socket";
  #indicator;
  #renewedAt = 0;

  constructor(indicator) {
    super();
    this.#indicator = indicator;
    // A socket can stay "open" for many seconds after the network went: the browser learns of it
    // only when TCP gives up. A request that could not reach the server, or the browser saying it
    // is offline, is news sooner — say so, and start again on a fresh connection.
    window.addEventListener("orchestrator:unreachable", () => this.#suspect());
    window.addEventListener("offline", () => this.#suspect());
    window.addEventListener("online", () => { if (this.#mode === "poll") this.#tryTheSocketAgain(); });
  }

  #suspect() {
    if (this.#stopped) return;
    this.#state("offline");
    const socket = this.#socket;
    if (socket) {
      this.#socket = null;
      socket.onclose = null;
      socket.close(4000);
      this.#dropped(true);
    }
  }

  get mode() { return this.#mode; }

  async start() {
    this.#state("offline");
    while (this.#cursor === null && !this.#stopped) {
      try {
        this.#cursor = (await api("/api/notifications")).nextCursor;
      } catch {
        await sleep(2000);
      }
    }
    this.#connect();
  }

  stop() {
    this.#stopped = true;
    this.#socket?.close(1000);
    this.#state("offline");
  }

  #connect() {
    if (this.#stopped) return;
    if (this.#mode === "poll") return void this.#poll();
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    // The token travels as a subprotocol, not in the URL, which proxies write to their logs.
    const url = `${scheme}://${location.host}/ws?after=${this.#cursor}`;
    let opened = false;
    let socket;
    try {
      socket = new WebSocket(url, ["orchestrator", `bearer.${session.token}`]);
    } catch {
      return void this.#dropped(false);
    }
    this.#socket = socket;
    socket.onopen = () => {
      opened = true;
      this.#failures = 0;
      this.#state("live");
    };
    socket.onmessage = (message) => {
      try { this.#deliver(JSON.parse(message.data)); } catch { /* not an event */ }
    };
    socket.onerror = () => {};
    socket.onclose = (event) => {
      if (this.#socket === socket) this.#socket = null;
      if (this.#stopped) return;
      // 4001: the token expired, or was revoked because the account changed (deactivated, another
      // role); 4401: refused at connect. Renew it — the session ends if the server will not.
      if ((event.code === 4001 || event.code === 4401) && Date.now() - this.#renewedAt > 5000) return void this.#renew();
      this.#dropped(opened);
    };
  }

  async #renew() {
    this.#renewedAt = Date.now();
    this.#state("offline");
    await session.refresh();
    if (!this.#stopped && session.token) this.#connect();
  }

  #dropped(opened) {
    this.#state("offline");
    if (!opened) this.#failures += 1;
    if (this.#failures >= 2) {
      this.#mode = "poll";
      this.#poll();
      setTimeout(() => this.#tryTheSocketAgain(), 60_000);
      return;
    }
    setTimeout(() => this.#connect(), opened ? 500 : 1500);
  }

  #tryTheSocketAgain() {
    if (this.#stopped || this.#mode !== "poll") return;
    this.#mode = "socket";
    this.#failures = 1;  // one more failure goes back to polling
    this.#connect();
  }

  async #poll() {
    this.#state("polling");
    while (!this.#stopped && this.#mode === "poll") {
      try {
        const page = await api(`/api/notifications?after=${this.#cursor}`);
        for (const event of page.items) this.#deliver(event);
        if (page.nextCursor > this.#cursor) this.#cursor = page.nextCursor;
        if (this.#mode === "poll") this.#state("polling");
      } catch {
        this.#state("offline");
        await sleep(2000);
      }
    }
  }

  #deliver(event) {
    if (typeof event.cursor !== "number" || event.cursor <= this.#cursor) return;
    this.#cursor = event.cursor;
    this.dispatchEvent(new CustomEvent("event", { detail: event }));
  }

  #state(state) {
    if (!this.#indicator) return;
    this.#indicator.dataset.state = state;
    this.#indicator.textContent = { live: "live", polling: "live (polling)", offline: "offline · reconnecting…" }[state];
  }
}
