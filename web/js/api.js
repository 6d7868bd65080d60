// The edge's HTTP API with the session's token; errors as ApiError with the server's message.
import { session } from "./session.js";

export class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || (status === 0 ? "the server cannot be reached" : `request failed (${status})`));
    this.status = status;
    this.code = error.code;
    this.field = error.field;
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
