import type { CookieJar, CookieOptions } from '@gatehouse/core';
import { NO_STORE } from '@gatehouse/core/web';
import type { FastifyReply, FastifyRequest } from 'fastify';

const jars = new WeakMap<FastifyRequest, FastifyCookieJar>();

/**
 * A {@link CookieJar} over `@fastify/cookie`: reads `request.cookies` (or parses the header when
 * the app registered the cookie plugin with `hook: false`), writes with `reply.setCookie`, and
 * reads its own writes within the request. Any change marks the response
 * `Cache-Control: private, no-store`, so no cache keeps a response that carries a session.
 */
export class FastifyCookieJar implements CookieJar {
  #cookies: Map<string, string> | undefined;

  private constructor(
    private readonly request: FastifyRequest,
    private readonly reply: FastifyReply,
  ) {}

  /** The jar of this request; the same instance for every call within the request. */
  static for(request: FastifyRequest, reply: FastifyReply): FastifyCookieJar {
    let jar = jars.get(request);
    if (!jar) {
      jar = new FastifyCookieJar(request, reply);
      jars.set(request, jar);
    }
    return jar;
  }

  get(name: string): string | undefined {
    // Before any write, straight from what `@fastify/cookie` parsed: no copy of every cookie.
    const parsed = this.request.cookies;
    if (!this.#cookies && parsed) {
      const value = Object.hasOwn(parsed, name) ? parsed[name] : undefined;
      return typeof value === 'string' ? value : undefined;
    }
    return this.#read().get(name);
  }

  getAll(): ReadonlyMap<string, string> {
    return this.#read();
  }

  set(name: string, value: string, options: CookieOptions): void {
    this.#read().set(name, value);
    this.reply.setCookie(name, value, toFastify(options));
    this.reply.header('cache-control', NO_STORE);
  }

  delete(name: string, options: CookieOptions): void {
    this.#read().delete(name);
    this.reply.setCookie(name, '', { ...toFastify(options), maxAge: 0, expires: new Date(0) });
    this.reply.header('cache-control', NO_STORE);
  }

  /** Parsed on first use: requests that never touch auth pay nothing. */
  #read(): Map<string, string> {
    if (!this.#cookies) {
      const parsed =
        this.request.cookies ?? this.request.server.parseCookie(this.request.headers.cookie ?? '');
      this.#cookies = new Map();
      for (const [name, value] of Object.entries(parsed)) {
        if (typeof value === 'string') this.#cookies.set(name, value);
      }
    }
    return this.#cookies;
  }
}

/** Our cookie attributes in `@fastify/cookie`'s terms (same defaults as the core's serialiser). */
function toFastify(options: CookieOptions) {
  return {
    path: options.path ?? '/',
    httpOnly: options.httpOnly !== false,
    secure: options.secure === true,
    sameSite: options.sameSite ?? 'lax',
    ...(options.maxAge !== undefined && { maxAge: Math.max(0, Math.floor(options.maxAge)) }),
  } as const;
}
