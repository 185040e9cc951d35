import type { CookieJar } from '../cookies/cookie-jar.js';
import type { RequestContext } from '../oidc/domains.js';
import type { TOUCH_INTERVAL_SECONDS } from '../session/lifetime.js';
import type { SessionData } from '../session/model.js';

/**
 * Store options of the cookie-based stores: the current request's cookies, and the request itself
 * for a domain resolver (the web integrations fill both).
 */
export interface CookieStoreOptions {
  cookies: CookieJar;
  /** The request's URL and headers, which a `domain` resolver decides from. */
  request?: RequestContext;
}

/** One login (or connect) attempt, kept between the redirect to the tenant and the callback. */
export interface TransactionData {
  /** The `state` sent to the tenant; the transaction's key. */
  state: string;
  codeVerifier: string;
  nonce?: string;
  redirectUri: string;
  /** The issuer and client the attempt was started for; a callback for others is refused. */
  issuer: string;
  clientId: string;
  audience?: string;
  scope?: string;
  /** The `max_age` sent, in seconds: the ID token's `auth_time` must then be that recent. */
  maxAge?: number;
  /** The organization asked for: the ID token must name it. */
  organization?: string;
  /** A link or unlink started by this user: the login that completes it must be theirs. */
  linkSub?: string;
  /** A silent login (`prompt=none`): its "no session" answers are not errors. */
  silent?: boolean;
  appState?: unknown;
  /** For a connect (My Account API): the session `complete` needs, and the connection. */
  authSession?: string;
  connection?: string;
  /** Seconds since the epoch. */
  createdAt: number;
}

/** Where login transactions live between redirect and callback. */
export interface TransactionStore<TStoreOptions> {
  set(transaction: TransactionData, expiresAt: number, storeOptions: TStoreOptions): Promise<void>;
  get(state: string, storeOptions: TStoreOptions): Promise<TransactionData | undefined>;
  delete(state: string, storeOptions: TStoreOptions): Promise<void>;
}

/** Options of {@link StateStore.set}. */
export interface StateWriteOptions {
  /** Seconds since the epoch when the session ends; cookie `Max-Age` and backend TTL follow it. */
  expiresAt: number;
  /** A new session id (at login): the previous session, if any, is removed. */
  rotateId: boolean;
  /**
   * The write only moves `internal.updatedAt` of a session this request just read (a rolling
   * session being used). A store may then re-send what it wrote for the same stored session less
   * than {@link TOUCH_INTERVAL_SECONDS} ago instead of writing again (a client that keeps sending
   * the old cookie would otherwise cost a write per request); the session's `updatedAt` is then
   * that earlier time. Absent for every other write.
   */
  touch?: boolean;
}

/** Which sessions a logout token names. */
export interface LogoutSelector {
  sub?: string;
  sid?: string;
}

/** Where sessions live. Stateless stores keep them in cookies, stateful ones on the server. */
export interface StateStore<TStoreOptions> {
  get(storeOptions: TStoreOptions): Promise<SessionData | undefined>;
  set(session: SessionData, options: StateWriteOptions, storeOptions: TStoreOptions): Promise<void>;
  delete(storeOptions: TStoreOptions): Promise<void>;
  /** Deletes every session a back-channel logout names; returns how many. Stateful stores only. */
  deleteByLogout?(selector: LogoutSelector): Promise<number>;
}

/**
 * Server-side session storage behind a {@link ServerStateStore}: memory, Redis, a database.
 * Implementations keep `sub` and `sid` indexes so `deleteByLogout` removes exactly the sessions a
 * back-channel logout names.
 */
export interface SessionBackend {
  get(id: string): Promise<SessionData | undefined>;
  /** Stores a session for `ttlSeconds`, after which it must be gone. */
  set(id: string, data: SessionData, ttlSeconds: number): Promise<void>;
  delete(id: string): Promise<void>;
  /** Deletes the sessions whose `user.sub` or `internal.sid` match; returns how many. */
  deleteByLogout(selector: LogoutSelector): Promise<number>;
}
