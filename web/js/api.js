// The edge's HTTP API with the session's token; errors as ApiError with the server's message.
import { session } from "./session.js";

/** An API message as a sentence for people: capital first letter, full stop; and a throttled
 *  login says when to try again by the clock. */
export function sentence(text) {
  const trimmed = String(text || "").trim();
  if (!trimmed) return trimmed;
  // A leading field name in camelCase ("maxAttempts must be …") keeps its spelling.
  const first = trimmed.split(/\s/, 1)[0];
  const capital = /[A-Z]/.test(first) ? trimmed : trimmed[0].toUpperCase() + trimmed.slice(1);
  return /[.!?…]$/.test(capital) ? capital : `${capital}.`;
}

export class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    let message = error.message || (status === 0 ? "the server cannot be reached; check your connection" : `request failed (${status})`);
    if (error.code === "throttled" && error.retryAfter) {
      const at = new Date(Date.now() + Number(error.retryAfter) * 1000);
      message = `too many failed logins; try again at ${at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" })}`;
    }
    super(sentence(message));
    this.status = status;
    this.code = error.code;
    this.field = error.field;
    this.fields = (error.errors || []).map((e) => ({ field: e.field, message: sentence(e.message) }));
    this.details = error;
  }
}

export async function api(path, { method = "GET", body, token = session.token, headers = {} } = {}) {
  const request = { method, headers: { Accept: "application/json", ...headers } };
  if (token) request.headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) {
    request.headers["Content-Type"] = "application/json";
    request.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, request);
  } catch {
    // The live feed's badge must not say "live" while requests cannot get through.
    window.dispatchEvent(new CustomEvent("orchestrator:unreachable"));
    throw new ApiError(0, null);
  }
  const text = await response.text();
  let parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch { parsed = null; }
  if (!response.ok) {
    if (response.status === 401 && token && session.token === token) session.expired();
    throw new ApiError(response.status, parsed);
  }
  return parsed;
}
