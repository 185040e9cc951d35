import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type CookieJar,
  type CookieOptions,
  NO_STORE,
  parseCookieHeader,
  serializeCookie,
} from './cookie-jar.js';

const jars = new WeakMap<IncomingMessage, NodeCookieJar>();

/**
 * A {@link CookieJar} over Node's own `http.IncomingMessage` and `ServerResponse`, so the core works
 * on a bare `node:http` server. It sets `Cache-Control: private, no-store` on any response whose
 * auth cookies it changes.
 *
 * @example
 * http.createServer(async (req, res) => {
 *   const storeOptions = { cookies: NodeCookieJar.for(req, res) };
 *   const user = await client.getUser({ storeOptions });
 * });
 */
export class NodeCookieJar implements CookieJar {
  /** Parsed on first use: a request that never reads a cookie pays nothing. */
  #cookies: Map<string, string> | undefined;
  readonly #written = new Map<string, string>();

  private constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
  ) {}

  /** The jar of this request; the same instance for every call within the request. */
  static for(req: IncomingMessage, res: ServerResponse): NodeCookieJar {
    let jar = jars.get(req);
    if (!jar) {
      jar = new NodeCookieJar(req, res);
      jars.set(req, jar);
    }
    return jar;
  }

  get(name: string): string | undefined {
    return this.#read().get(name);
  }

  getAll(): ReadonlyMap<string, string> {
    return this.#read();
  }

  #read(): Map<string, string> {
    this.#cookies ??= parseCookieHeader(this.req.headers.cookie);
    return this.#cookies;
  }

  set(name: string, value: string, options: CookieOptions): void {
    this.#read().set(name, value);
    this.#write(name, serializeCookie(name, value, options));
  }

  delete(name: string, options: CookieOptions): void {
    this.#read().delete(name);
    this.#write(name, serializeCookie(name, '', { ...options, maxAge: 0 }));
  }

  #write(name: string, header: string): void {
    // One Set-Cookie per name: a later write in the same request replaces the earlier one.
    this.#written.set(name, header);
    const others = ([] as string[])
      .concat((this.res.getHeader('set-cookie') as string | string[] | undefined) ?? [])
      .filter((value) => !this.#isOurs(value));
    this.res.setHeader('set-cookie', [...others, ...this.#written.values()]);
    this.res.setHeader('cache-control', NO_STORE);
  }

  #isOurs(header: string): boolean {
    const name = header.slice(0, header.indexOf('='));
    return this.#written.has(name);
  }
}
