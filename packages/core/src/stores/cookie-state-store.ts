import { chunkValue, cookieNamesOf, joinChunks } from '../cookies/chunking.js';
import { authCookieDefaults, serializeCookie } from '../cookies/cookie-jar.js';
import { Sealer } from '../cookies/sealer.js';
import { SessionTooLargeError } from '../errors.js';
import { isSessionData, type SessionData } from '../session/model.js';
import type { CookieStoreOptions, StateStore, StateWriteOptions } from './types.js';

/** Options of {@link CookieStateStore}. */
export interface CookieStateStoreOptions {
  /** App secrets (first seals, all unseal). */
  secrets: readonly string[];
  /** Mark cookies `Secure`; true when the app is served over https. */
  secure: boolean;
  /** Cookie name; chunks are `<name>.0`, `<name>.1`, ... Default `gatehouse.session`. */
  cookieName?: string;
  /** Most cookies one session may take before {@link SessionTooLargeError}. Default 10. */
  maxChunks?: number;
}

/**
 * Stateless sessions: the whole session sealed into cookies, split into chunks that each stay
 * under the browser's 4 KB limit. Nothing is stored on the server.
 */
export class CookieStateStore implements StateStore<CookieStoreOptions> {
  readonly #sealer: Sealer;
  readonly #name: string;
  readonly #maxChunks: number;
  readonly #cookie: ReturnType<typeof authCookieDefaults>;

  constructor(options: CookieStateStoreOptions) {
    this.#sealer = new Sealer(options.secrets, 'session');
    this.#name = options.cookieName ?? 'gatehouse.session';
    this.#maxChunks = options.maxChunks ?? 10;
    this.#cookie = authCookieDefaults(options.secure);
  }

  async get({ cookies }: CookieStoreOptions) {
    const sealed = joinChunks(this.#name, cookies.getAll(), this.#maxChunks);
    if (!sealed) return undefined;
    const session = await this.#sealer.unseal<SessionData>(sealed);
    return isSessionData(session) ? session : undefined;
  }

  async set(
    session: SessionData,
    { expiresAt }: StateWriteOptions,
    { cookies }: CookieStoreOptions,
  ) {
    const sealed = await this.#sealer.seal(session, expiresAt);
    const options = {
      ...this.#cookie,
      maxAge: Math.max(0, Math.floor(expiresAt - Date.now() / 1000)),
    };
    // Measure the attributes exactly as they will be serialised: the 4096-byte limit counts them.
    const attributesLength = serializeCookie('', '', options).length - 1;
    const chunks = chunkValue(this.#name, sealed, attributesLength, this.#maxChunks);
    if (!chunks) throw new SessionTooLargeError(sealed.length, this.#maxChunks);

    const kept = new Set(chunks.map((chunk) => chunk.name));
    for (const stale of cookieNamesOf(this.#name, cookies.getAll())) {
      if (!kept.has(stale)) cookies.delete(stale, this.#cookie);
    }
    for (const chunk of chunks) cookies.set(chunk.name, chunk.value, options);
  }

  async delete({ cookies }: CookieStoreOptions) {
    for (const name of cookieNamesOf(this.#name, cookies.getAll())) {
      cookies.delete(name, this.#cookie);
    }
  }
}
