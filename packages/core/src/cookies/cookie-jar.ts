/** Attributes of a cookie the stores set. */
export interface CookieOptions {
  /** Seconds until the browser drops the cookie. Only a hint: expiry is enforced inside the seal. */
  maxAge?: number;
  /** Default `/`. */
  path?: string;
  /** Send only over https. Set when the app is served over https. */
  secure?: boolean;
  /** Default true: scripts cannot read auth cookies. */
  httpOnly?: boolean;
  /** Default `lax`: sent on top-level navigations back from the tenant, not on cross-site posts. */
  sameSite?: 'lax' | 'strict' | 'none';
}

/**
 * The cookies of one request/response pair, as a framework adapter exposes them to the stores.
 *
 * Implementations must read their own writes: after `set` or `delete`, `get` and `getAll` answer
 * with the new value within the same request, so two store operations in one request (a refresh
 * for two audiences, say) never see a stale cookie. Whoever owns the response must also mark it
 * `Cache-Control: private, no-store` when it sets or clears a cookie.
 */
export interface CookieJar {
  /** The value of one cookie, or undefined. */
  get(name: string): string | undefined;
  /** Every cookie of the request, with this request's writes applied. */
  getAll(): ReadonlyMap<string, string>;
  set(name: string, value: string, options: CookieOptions): void;
  delete(name: string, options: CookieOptions): void;
}

/**
 * The `Cache-Control` of any response that sets or clears an auth cookie (SECURITY.md rule 7), so
 * no shared cache keeps a response that carries a session.
 */
export const NO_STORE = 'private, no-store';

/** The options every auth cookie gets unless a store overrides them. */
export function authCookieDefaults(secure: boolean): Required<Omit<CookieOptions, 'maxAge'>> {
  return { path: '/', secure, httpOnly: true, sameSite: 'lax' };
}

/** Serialises one `Set-Cookie` header value. Names and values must already be cookie-safe. */
export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  const parts = [`${name}=${value}`, `Path=${options.path ?? '/'}`];
  if (options.maxAge !== undefined) {
    const seconds = Math.max(0, Math.floor(options.maxAge));
    parts.push(`Max-Age=${seconds}`);
    if (seconds === 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  }
  if (options.httpOnly !== false) parts.push('HttpOnly');
  if (options.secure) parts.push('Secure');
  const sameSite = options.sameSite ?? 'lax';
  parts.push(`SameSite=${sameSite[0]?.toUpperCase()}${sameSite.slice(1)}`);
  return parts.join('; ');
}

/**
 * Parses a `Cookie` request header. Malformed pairs are skipped, never thrown on: a hostile header
 * must not take the request down, and must not hide the valid cookies beside it.
 */
export function parseCookieHeader(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const pair of header.split(';')) {
    const separator = pair.indexOf('=');
    if (separator <= 0) continue;
    const name = pair.slice(0, separator).trim();
    let value = pair.slice(separator + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2)
      value = value.slice(1, -1);
    if (name && !cookies.has(name)) cookies.set(name, value);
  }
  return cookies;
}
