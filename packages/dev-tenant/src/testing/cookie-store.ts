interface StoredCookie {
  name: string;
  value: string;
  path: string;
  expiresAt: number | undefined;
  attributes: Record<string, string | true>;
}

/**
 * Cookies as a browser keeps them: per host name (not per port, as browsers do), with `Path`,
 * `Max-Age` and `Expires` honoured. Enough for tests of real login flows; not a full RFC 6265 jar.
 */
export class CookieStore {
  readonly #byHost = new Map<string, Map<string, StoredCookie>>();

  /** Stores the cookies of one `Set-Cookie` header value received from `url`. */
  store(url: URL, setCookie: string): void {
    const [pair = '', ...rest] = setCookie.split(';');
    const separator = pair.indexOf('=');
    if (separator < 0) return;
    const name = pair.slice(0, separator).trim();
    const value = pair.slice(separator + 1).trim();
    const attributes: Record<string, string | true> = {};
    for (const part of rest) {
      const [key = '', ...values] = part.split('=');
      attributes[key.trim().toLowerCase()] = values.length ? values.join('=').trim() : true;
    }
    let expiresAt: number | undefined;
    if (typeof attributes['max-age'] === 'string') {
      expiresAt = Date.now() + Number(attributes['max-age']) * 1000;
    } else if (typeof attributes.expires === 'string') {
      expiresAt = Date.parse(attributes.expires);
    }
    const path = typeof attributes.path === 'string' ? attributes.path : '/';
    const jar = this.#jar(url.hostname);
    const key = `${path} ${name}`;
    if (expiresAt !== undefined && expiresAt <= Date.now()) jar.delete(key);
    else jar.set(key, { name, value, path, expiresAt, attributes });
  }

  /** The `Cookie` header a browser would send to `url`, or undefined. */
  headerFor(url: URL): string | undefined {
    const cookies = this.#live(url).map((cookie) => `${cookie.name}=${cookie.value}`);
    return cookies.length ? cookies.join('; ') : undefined;
  }

  /** The value of one cookie as it would be sent to `url`. */
  get(url: string | URL, name: string): string | undefined {
    return this.#live(new URL(url)).find((cookie) => cookie.name === name)?.value;
  }

  /** Names of the cookies that would be sent to `url`. */
  names(url: string | URL): string[] {
    return this.#live(new URL(url)).map((cookie) => cookie.name);
  }

  /** All attributes of a stored cookie, e.g. to check `httponly` or `samesite`. */
  attributes(url: string | URL, name: string): Record<string, string | true> | undefined {
    return this.#live(new URL(url)).find((cookie) => cookie.name === name)?.attributes;
  }

  /** Sets or replaces a cookie by hand, e.g. to paste a tampered value in a test. */
  set(url: string | URL, name: string, value: string, path = '/'): void {
    this.#jar(new URL(url).hostname).set(`${path} ${name}`, {
      name,
      value,
      path,
      expiresAt: undefined,
      attributes: {},
    });
  }

  /** Removes a cookie, or every cookie of the host when no name is given. */
  delete(url: string | URL, name?: string): void {
    const jar = this.#jar(new URL(url).hostname);
    for (const [key, cookie] of jar)
      if (name === undefined || cookie.name === name) jar.delete(key);
  }

  #jar(hostname: string): Map<string, StoredCookie> {
    let jar = this.#byHost.get(hostname);
    if (!jar) {
      jar = new Map();
      this.#byHost.set(hostname, jar);
    }
    return jar;
  }

  #live(url: URL): StoredCookie[] {
    const jar = this.#jar(url.hostname);
    const now = Date.now();
    return [...jar.values()].filter(
      (cookie) =>
        (cookie.expiresAt === undefined || cookie.expiresAt > now) &&
        (url.pathname === cookie.path ||
          url.pathname.startsWith(cookie.path.endsWith('/') ? cookie.path : `${cookie.path}/`)),
    );
  }
}
