import { requestUrl } from '@gatehouse/base';
import type { CookieJar, CookieOptions } from '../cookies/cookie-jar.js';

/**
 * A request as the route handlers see it: the few things they need, whatever the framework.
 * Build it with `WebAuth.request()`, which takes the URL from `appBaseUrl`, never from `Host`.
 */
export interface WebRequest {
  /** `GET`, `POST`, ... */
  method: string;
  /** The request's URL on the app's own origin: `appBaseUrl`'s origin plus the path and query. */
  url: URL;
  /** The app's address this request came to: the one of `appBaseUrl` its `Host` names, else the first. */
  appBaseUrl: URL;
  /** The request's headers as received, for a `domain` resolver. */
  headers: NodeRequestHeaders;
  /** The `Accept` header, to choose between an HTML page or redirect and JSON. */
  accept: string | undefined;
  /** The parsed form (or JSON) body of a POST, if any. */
  body: Readonly<Record<string, unknown>> | undefined;
  /** This request's cookies; changes are tracked to mark the response `no-store`. */
  cookies: ChangeTrackingCookieJar;
  /** `Sec-Fetch-Site`, lower-cased, when the browser sent it: who started the request. */
  fetchSite?: string | undefined;
  /** `Origin`, when sent (browsers send it on a POST): the origin that started the request. */
  origin?: string | undefined;
  /** The body's media type: `Content-Type` without parameters, lower-cased. */
  contentType?: string | undefined;
}

/** Request headers as Node (and so Express and Fastify) hands them over. */
export type NodeRequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** What the framework adapter passes to build a {@link WebRequest}. */
export interface WebRequestInit {
  method: string;
  /** The request target as received (Express `req.originalUrl`, Fastify `request.url`). */
  target: string;
  accept?: string | undefined;
  body?: unknown;
  /** The framework's {@link CookieJar} for this request and response. */
  cookies: CookieJar;
  /**
   * The request's headers (Node's `req.headers`): `Sec-Fetch-Site` and `Origin` for the
   * cross-site checks of logout and connect, `Content-Type` for the back-channel logout form.
   */
  headers?: NodeRequestHeaders;
}

/** One header's value, lower-case name; a repeated header counts as absent, never as a choice. */
export function singleHeader(headers: NodeRequestHeaders | undefined, name: string) {
  const value = headers?.[name];
  return typeof value === 'string' ? value : undefined;
}

/** The media type of a `Content-Type` header: `application/json; charset=utf-8` → `application/json`. */
export function mediaType(contentType: string | undefined): string | undefined {
  const type = contentType?.split(';', 1)[0]?.trim().toLowerCase();
  return type || undefined;
}

/**
 * A {@link CookieJar} that remembers whether anything was set or deleted, so the response can be
 * marked `Cache-Control: private, no-store` (SECURITY.md rule 7). Wraps the framework's own jar.
 */
export class ChangeTrackingCookieJar implements CookieJar {
  #changed = false;

  constructor(readonly inner: CookieJar) {}

  /** Whether this request set or cleared a cookie. */
  get changed(): boolean {
    return this.#changed;
  }

  get(name: string): string | undefined {
    return this.inner.get(name);
  }

  getAll(): ReadonlyMap<string, string> {
    return this.inner.getAll();
  }

  set(name: string, value: string, options: CookieOptions): void {
    this.#changed = true;
    this.inner.set(name, value, options);
  }

  delete(name: string, options: CookieOptions): void {
    this.#changed = true;
    this.inner.delete(name, options);
  }
}

export { requestUrl };

/**
 * Whether a request is a browser navigation that should get a redirect or an HTML page rather
 * than JSON: a `GET`/`HEAD` that accepts `text/html`.
 */
export function wantsHtml(request: Pick<WebRequest, 'method' | 'accept'>): boolean {
  const method = request.method.toUpperCase();
  return (method === 'GET' || method === 'HEAD') && acceptsHtml(request.accept);
}

/** Whether an `Accept` header lists `text/html` (browsers do; `fetch` and API clients do not). */
export function acceptsHtml(accept: string | undefined): boolean {
  return /(^|,)\s*text\/html\s*(;|,|$)/i.test(accept ?? '');
}

/** A string field of a query or form, or undefined. */
export function field(
  request: Pick<WebRequest, 'url' | 'body'>,
  name: string,
  from: 'query' | 'body' | 'either' = 'query',
): string | undefined {
  if (from !== 'body') {
    const value = request.url.searchParams.get(name);
    if (value !== null) return value;
  }
  if (from !== 'query') {
    const value = request.body?.[name];
    if (typeof value === 'string') return value;
  }
  return undefined;
}
