import { randomBytes } from 'node:crypto';
import { authCookieDefaults } from '../cookies/cookie-jar.js';
import { Sealer } from '../cookies/sealer.js';
import { TOUCH_INTERVAL_SECONDS } from '../session/lifetime.js';
import { isSessionData } from '../session/model.js';
import type {
  CookieStoreOptions,
  LogoutSelector,
  SessionBackend,
  StateStore,
  StateWriteOptions,
} from './types.js';

/** Session ids of recently read cookies kept (sealed string, id and expiry: under 1 KB each). */
const RECENT_IDS = 1000;

/** Options of {@link ServerStateStore}. */
export interface ServerStateStoreOptions {
  /** App secrets (first seals, all unseal). */
  secrets: readonly string[];
  /** Mark the cookie `Secure`; true when the app is served over https. */
  secure: boolean;
  /** Where sessions live: a {@link MemoryBackend}, Redis, ... */
  backend: SessionBackend;
  /** Cookie that holds the sealed session id. Default `gatehouse.sid`. */
  cookieName?: string;
}

/**
 * Stateful sessions: the cookie holds only a sealed session id; the data lives in a
 * {@link SessionBackend}. Sessions can be listed and ended from the server (back-channel logout),
 * and their size is not limited by cookies.
 */
export class ServerStateStore implements StateStore<CookieStoreOptions> {
  readonly #sealer: Sealer;
  readonly #backend: SessionBackend;
  readonly #name: string;
  readonly #cookie: ReturnType<typeof authCookieDefaults>;
  /** Ids of the session cookies read recently, by sealed string, oldest first. */
  readonly #recent = new Map<string, { id: string; exp: number }>();
  /** The last touch written per session id: its cookie, re-sent while it is recent enough. */
  readonly #touches = new Map<string, { sealed: string; updatedAt: number; expiresAt: number }>();

  constructor(options: ServerStateStoreOptions) {
    this.#sealer = new Sealer(options.secrets, 'session-id');
    this.#backend = options.backend;
    this.#name = options.cookieName ?? 'gatehouse.sid';
    this.#cookie = authCookieDefaults(options.secure);
  }

  async get({ cookies }: CookieStoreOptions) {
    const id = await this.#id(cookies);
    if (!id) return undefined;
    const session = await this.#backend.get(id);
    return isSessionData(session) ? session : undefined;
  }

  async set(
    session: Parameters<SessionBackend['set']>[1],
    options: StateWriteOptions,
    { cookies }: CookieStoreOptions,
  ) {
    let id = await this.#id(cookies);
    if (id && options.rotateId) {
      // A new session id at every login: an id planted before login (fixation) is worth nothing.
      await this.#backend.delete(id);
      id = undefined;
    }
    id ??= randomBytes(32).toString('base64url');
    // A touch of a session touched less than the interval ago (its client kept the old cookie):
    // the stored session and its TTL were extended then; the same cookie goes out again.
    const last = options.touch ? this.#touches.get(id) : undefined;
    if (last && session.internal.updatedAt - last.updatedAt < TOUCH_INTERVAL_SECONDS) {
      session.internal.updatedAt = last.updatedAt;
      cookies.set(this.#name, last.sealed, {
        ...this.#cookie,
        maxAge: Math.max(1, Math.ceil(last.expiresAt - Date.now() / 1000)),
      });
      return;
    }
    const ttl = Math.max(1, Math.ceil(options.expiresAt - Date.now() / 1000));
    await this.#backend.set(id, session, ttl);
    const sealed = await this.#sealer.seal({ id }, options.expiresAt);
    cookies.set(this.#name, sealed, { ...this.#cookie, maxAge: ttl });
    if (options.touch) {
      if (this.#touches.size >= RECENT_IDS) {
        this.#touches.delete(this.#touches.keys().next().value as string);
      }
      this.#touches.set(id, {
        sealed,
        updatedAt: session.internal.updatedAt,
        expiresAt: options.expiresAt,
      });
    } else {
      // Any other write (a refresh, a login) is newer than the last touch.
      this.#touches.delete(id);
    }
  }

  async delete({ cookies }: CookieStoreOptions) {
    const id = await this.#id(cookies);
    if (id) await this.#backend.delete(id);
    if (cookies.get(this.#name) !== undefined) cookies.delete(this.#name, this.#cookie);
  }

  deleteByLogout(selector: LogoutSelector) {
    return this.#backend.deleteByLogout(selector);
  }

  async #id(cookies: CookieStoreOptions['cookies']): Promise<string | undefined> {
    const sealed = cookies.get(this.#name);
    if (!sealed) return undefined;
    // The same cookie comes back on every request: its id is remembered with the seal's expiry,
    // which is still checked on every read.
    const known = this.#recent.get(sealed);
    if (known) return known.exp > Date.now() / 1000 ? known.id : undefined;
    const opened = await this.#sealer.unsealWithExpiry<{ id?: unknown }>(sealed);
    const id = opened?.value?.id;
    if (typeof id !== 'string' || !opened) return undefined;
    if (this.#recent.size >= RECENT_IDS)
      this.#recent.delete(this.#recent.keys().next().value as string);
    this.#recent.set(sealed, { id, exp: opened.exp });
    return id;
  }
}
