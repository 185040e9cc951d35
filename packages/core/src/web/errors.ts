import {
  Auth0Error,
  type Auth0ErrorCode,
  AuthorizationError,
  CrossSiteRequestError,
  MyAccountApiError,
  PasskeyError,
  PasswordlessError,
} from '../errors.js';
import { acceptsHtml } from './request.js';
import { json, NO_STORE, type WebResponse } from './response.js';

/**
 * The HTTP status of each error code a route can meet. Callback and argument errors are the
 * client's (400); a missing or ended session is 401; a cross-site request to a route that changes
 * state is 403; anything else is the server's (500).
 */
const STATUS_OF_CODE: Partial<Record<Auth0ErrorCode, number>> = {
  missing_required_argument: 400,
  invalid_argument: 400,
  missing_transaction: 400,
  state_mismatch: 400,
  authorization_error: 400,
  invalid_callback: 400,
  token_exchange_error: 400,
  id_token_validation_error: 400,
  userinfo_error: 400,
  backchannel_logout_error: 400,
  cross_site_request: 403,
  session_refused: 403,
  missing_session: 401,
  session_expired: 401,
};

/** Errors whose message may be shown: the user (or the tenant) caused them, nothing internal. */
const CLIENT_ERROR_MAX = 499;

/** What the Redis backend (and any backend that follows it) throws when the store is down. */
interface StoreOutage {
  code: 'session_store_unavailable';
  /** e.g. `{ 'retry-after': '2' }`: when the client may try again. */
  headers?: Readonly<Record<string, unknown>>;
}

const isStoreOutage = (error: unknown): error is StoreOutage =>
  (error as { code?: unknown } | null)?.code === 'session_store_unavailable';

/**
 * The HTTP status an error becomes: 400 for callback and argument errors, 401 for a missing or
 * expired session, the My Account API's own 4xx, 503 when the session store is down, 500 for
 * anything else.
 *
 * @example
 * httpStatusOf(new MissingTransactionError()) // 400
 */
export function httpStatusOf(error: unknown): number {
  if (isStoreOutage(error)) return 503;
  if (error instanceof MyAccountApiError) {
    return error.status >= 400 && error.status <= CLIENT_ERROR_MAX ? error.status : 500;
  }
  if (error instanceof PasswordlessError) return passwordlessStatus(error);
  // A passkey the tenant refused (another challenge, a clone, ...) is the client's; a tenant that
  // refused the client itself or answered nonsense is the server's problem.
  if (error instanceof PasskeyError) {
    const refused =
      error.tenantError === 'invalid_request' || error.tenantError === 'invalid_grant';
    return refused ? 400 : 500;
  }
  if (error instanceof Auth0Error) return STATUS_OF_CODE[error.code as Auth0ErrorCode] ?? 500;
  return 500;
}

/**
 * A refused code or address is the user's (400), a rate limit is 429; a tenant that could not be
 * reached or answered nonsense is the server's (502 is not ours to claim: 500).
 */
function passwordlessStatus(error: PasswordlessError): number {
  if (error.code === 'too_many_requests') return 429;
  return error.code === 'passwordless_start_failed' ||
    error.code === 'passwordless_verify_failed' ||
    error.code === 'invalid_response'
    ? 500
    : 400;
}

/** The code an error is reported with: its own stable code, or `internal_error`. */
export function errorCodeOf(error: unknown): string {
  if (isStoreOutage(error)) return 'session_store_unavailable';
  return error instanceof Auth0Error ? error.code : 'internal_error';
}

/**
 * What may be said about an error: the message of a client error (with the tenant's
 * `error_description` for a refused login), a fixed sentence otherwise. Never a stack trace.
 */
export function publicMessageOf(error: unknown): string {
  const status = httpStatusOf(error);
  if (status === 503) return 'The session service is unavailable. Try again in a moment.';
  if (status > CLIENT_ERROR_MAX || !(error instanceof Auth0Error)) {
    return 'Something went wrong on our side. Try again later.';
  }
  const message =
    error instanceof AuthorizationError && error.errorDescription
      ? `${error.message}: ${error.errorDescription}`
      : error.message;
  return message.length > 500 ? `${message.slice(0, 500)}…` : message;
}

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Headers of the pages we render ourselves: no script, no framing, never cached. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'x-content-type-options': 'nosniff',
  'cache-control': NO_STORE,
};

/** Headers of a page whose button or link acts for the user: it must not be framed (clickjacking). */
export const UNFRAMEABLE_PAGE_HEADERS: Readonly<Record<string, string>> = {
  ...PAGE_HEADERS,
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
};

/**
 * A plain error page: the code in `data-code`, the message escaped, no script, and a
 * Content-Security-Policy that would stop any markup that slipped through (SECURITY.md rule 10).
 * With `continueTo` (a URL on the app's origin), a link to go on from the app's own page; that
 * page cannot be framed.
 */
export function renderErrorPage(
  status: number,
  code: string,
  message: string,
  continueTo?: URL,
): WebResponse {
  const onward = continueTo
    ? `\n<p><a id="continue" href="${escapeHtml(continueTo.href)}">Continue</a></p>`
    : '';
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign-in error</title></head>
<body><h1>Sign-in error</h1>
<p id="error" data-code="${escapeHtml(code)}">${escapeHtml(message)}</p>${onward}
<p><a href="/">Back to the home page</a></p></body></html>`;
  const headers = continueTo
    ? { ...UNFRAMEABLE_PAGE_HEADERS }
    : { ...PAGE_HEADERS, 'content-security-policy': "default-src 'none'" };
  return { status, headers, body };
}

/**
 * The response for an error that reached a route: an HTML page when the client accepts HTML (and
 * `format` is not `'json'`), else `{ error, error_description }` JSON. Both name the error's code.
 */
export function errorResponse(
  error: unknown,
  accept: string | undefined,
  format: 'negotiate' | 'json' = 'negotiate',
): WebResponse {
  const status = httpStatusOf(error);
  const code = errorCodeOf(error);
  const message = publicMessageOf(error);
  let response: WebResponse;
  if (format === 'negotiate' && acceptsHtml(accept)) {
    const continueTo = error instanceof CrossSiteRequestError ? error.continueTo : undefined;
    response = renderErrorPage(status, code, message, continueTo);
  } else {
    response = json(status, { error: code, error_description: message });
    response.headers['cache-control'] = NO_STORE;
  }
  // A store outage or the tenant's rate limit says when to retry; only plain seconds pass on.
  const retryAfter = isStoreOutage(error)
    ? error.headers?.['retry-after']
    : error instanceof PasswordlessError && error.retryAfter !== undefined
      ? String(error.retryAfter)
      : undefined;
  if (typeof retryAfter === 'string' && /^\d{1,5}$/.test(retryAfter)) {
    response.headers['retry-after'] = retryAfter;
  }
  return response;
}
