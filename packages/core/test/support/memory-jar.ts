import type { BrowserClient } from '@gatehouse/dev-tenant/testing';
import type { CookieJar } from '../../src/index.js';

/** A browser's cookies for direct `ServerClient` calls: what one call sets, the next one sends. */
export class MemoryCookieJar implements CookieJar {
  readonly #cookies = new Map<string, string>();
  get(name: string) {
    return this.#cookies.get(name);
  }
  getAll() {
    return this.#cookies;
  }
  set(name: string, value: string) {
    this.#cookies.set(name, value);
  }
  delete(name: string) {
    this.#cookies.delete(name);
  }
}

/** The app's cookies a test browser holds, in a jar that `ServerClient` calls read and write. */
export function jarOf(browser: BrowserClient, appUrl: string): MemoryCookieJar {
  const jar = new MemoryCookieJar();
  for (const pair of browser.cookies.headerFor(new URL(appUrl))?.split('; ') ?? []) {
    const separator = pair.indexOf('=');
    jar.set(pair.slice(0, separator), pair.slice(separator + 1));
  }
  return jar;
}
