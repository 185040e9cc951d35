import { chunkValue, cookieNamesOf, joinChunks } from '../cookies/chunking.js';
import { authCookieDefaults, serializeCookie } from '../cookies/cookie-jar.js';
import { Sealer } from '../cookies/sealer.js';
import { SessionTooLargeError } from '../errors.js';
import { TOUCH_INTERVAL_SECONDS } from '../session/lifetime.js';
import { isSessionData, type SessionData } from '../session/model.js';
import { decodeSession, encodeSession, expandSession, isCompactSession } from './session-format.js';
import type { CookieStoreOptions, StateStore, StateWriteOptions } from './types.js';

/**
 * Sessions opened recently, by their sealed string: a browser sends the same cookie on every
 * request until the session is re-sealed (at most once a minute for a rolling session), and its
 * HMAC, decryption and head parse give the same answer each time. Only exact matches hit, so a hit
 * is the answer unsealing would give; expiry is still checked on every read. Bounded: about 4 KB
 * an entry.
 */
const RECENT_SESSIONS = 500;

/**
 * The key of a sealed string among the recent sessions: its HMAC (the last field). A `Map` hashes
 * every character of a string it has not seen, and each request brings a new copy of a
 * kilobytes-long cookie; the entry keeps the whole string, and a hit must match it.
 */
const recentKey = (sealed: string) => sealed.slice(sealed.lastIndexOf('*') + 1);

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
 *
 * Sessions are sealed in the compact format (`session-format.ts`: a small head with the user,
 * compressed tokens, in Iron's envelope). A cookie of the previous format (Iron's sealed JSON) is
 * read as before and rewritten in the compact format by that same request, so an upgrade logs no
 * one out.
 */
export class CookieStateStore implements StateStore<CookieStoreOptions> {
  readonly #sealer: Sealer;
  readonly #name: string;
  readonly #maxChunks: number;
  readonly #cookie: ReturnType<typeof authCookieDefaults>;
  /** Expanded bodies of recent session cookies (compact format only), oldest first. */
  readonly #recent = new Map<string, { sealed: string; body: Buffer }>();
  /** Which cookie each session this store returned was read from (for touches). */
  readonly #sources = new WeakMap<SessionData, string>();
  /** The last touch written for a cookie: re-sent while it is recent enough. */
  readonly #touches = new Map<
    string,
    { source: string; sealed: string; updatedAt: number; expiresAt: number }
  >();

  constructor(options: CookieStateStoreOptions) {
    this.#sealer = new Sealer(options.secrets, 'session');
    this.#name = options.cookieName ?? 'gatehouse.session';
    this.#maxChunks = options.maxChunks ?? 10;
    this.#cookie = authCookieDefaults(options.secure);
  }

  async get({ cookies }: CookieStoreOptions) {
    const sealed = joinChunks(this.#name, cookies, this.#maxChunks);
    if (!sealed) return undefined;
    const known = this.#recent.get(recentKey(sealed));
    if (known?.sealed === sealed) return this.#from(sealed, this.#live(known.body));
    const bytes = await this.#sealer.unsealBytes(sealed);
    if (!bytes) return undefined;
    if (isCompactSession(bytes)) {
      const body = expandSession(bytes);
      const session = body && this.#live(body);
      if (session) this.#remember(sealed, body);
      return this.#from(sealed, session);
    }
    // The previous format: Iron's JSON. Read it as it always was, and rewrite it once.
    const previous = await this.#sealer.unsealWithExpiry<SessionData>(sealed);
    if (!previous || !isSessionData(previous.value)) return undefined;
    await this.#write(previous.value, previous.exp, cookies);
    return previous.value;
  }

  /** The session an expanded body holds (new objects on every call), unless it has expired. */
  #live(body: Buffer): SessionData | undefined {
    const decoded = decodeSession(body);
    return decoded && decoded.exp > Date.now() / 1000 ? decoded.session : undefined;
  }

  #remember(sealed: string, body: Buffer): void {
    if (this.#recent.size >= RECENT_SESSIONS) {
      this.#recent.delete(this.#recent.keys().next().value as string);
    }
    this.#recent.set(recentKey(sealed), { sealed, body });
  }

  #from(sealed: string, session: SessionData | undefined): SessionData | undefined {
    if (session) this.#sources.set(session, sealed);
    return session;
  }

  async set(
    session: SessionData,
    { expiresAt, touch }: StateWriteOptions,
    { cookies }: CookieStoreOptions,
  ) {
    const source = touch ? this.#sources.get(session) : undefined;
    if (!source) return void (await this.#write(session, expiresAt, cookies));
    // A touch of a cookie already touched less than the interval ago (its client kept sending
    // the old one): the same cookie again, not a new seal per request.
    const key = recentKey(source);
    const last = this.#touches.get(key);
    if (
      last?.source === source &&
      session.internal.updatedAt - last.updatedAt < TOUCH_INTERVAL_SECONDS
    ) {
      session.internal.updatedAt = last.updatedAt;
      return this.#setCookies(last.sealed, last.expiresAt, cookies);
    }
    const sealed = await this.#write(session, expiresAt, cookies);
    if (this.#touches.size >= RECENT_SESSIONS) {
      this.#touches.delete(this.#touches.keys().next().value as string);
    }
    this.#touches.set(key, { source, sealed, updatedAt: session.internal.updatedAt, expiresAt });
  }

  async #write(
    session: SessionData,
    expiresAt: number,
    cookies: CookieStoreOptions['cookies'],
  ): Promise<string> {
    const bytes = encodeSession(session, expiresAt);
    const sealed = await this.#sealer.sealBytes(bytes);
    this.#setCookies(sealed, expiresAt, cookies);
    // The browser sends it back on its next request.
    const body = expandSession(bytes);
    if (body) this.#remember(sealed, body);
    return sealed;
  }

  /** Writes a sealed session into the jar: its chunks, and deletes of stale ones. */
  #setCookies(sealed: string, expiresAt: number, cookies: CookieStoreOptions['cookies']): void {
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
