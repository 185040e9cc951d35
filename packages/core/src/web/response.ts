import { NO_STORE } from '../cookies/cookie-jar.js';
import type { ChangeTrackingCookieJar } from './request.js';

/**
 * What a route handler answers, for the framework adapter to send as is: status, headers (names
 * in lower case) and an optional body. `Set-Cookie` is not here: the framework's cookie jar has
 * written it already.
 */
export interface WebResponse {
  status: number;
  headers: Record<string, string>;
  body?: string;
}

export { NO_STORE };

/** A redirect whose `Location` is our own serialisation of a URL we built or validated. */
export function redirect(location: URL, status = 302): WebResponse {
  return { status, headers: { location: location.href } };
}

/** A JSON response. */
export function json(status: number, value: unknown): WebResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(value),
  };
}

/** Marks a response `Cache-Control: private, no-store` when the request changed auth cookies. */
export function finish(response: WebResponse, cookies: ChangeTrackingCookieJar): WebResponse {
  if (!cookies.changed) return response;
  return { ...response, headers: { ...response.headers, 'cache-control': NO_STORE } };
}
