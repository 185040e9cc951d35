import type { LogoutSelector } from './types.js';

/**
 * Remembers back-channel logouts so that stateless (cookie) sessions can honour them: a cookie
 * cannot be deleted from the server, but every session read asks whether its `sid` or `sub` was
 * logged out after the session began.
 *
 * The rule every implementation follows (OpenID Connect Back-Channel Logout 1.0 §2.4, the same as
 * the server stores' `deleteByLogout`): a logout naming a `sid` ends the sessions of that tenant
 * session, and only those of its `sub` when it names one too; a logout naming only a `sub` ends
 * every session of that user. Only sessions begun before the logout end: times are seconds with
 * millisecond precision, so a login in the same second after a logout survives it.
 */
export interface LogoutRevocations {
  /** Records a logout at `at` (seconds since the epoch, fractional), kept for `ttlSeconds`. */
  revoke(selector: LogoutSelector, at: number, ttlSeconds: number): Promise<void>;
  /**
   * Whether a session of this user and tenant session, created at `createdAt` (seconds since the
   * epoch, fractional), was logged out.
   */
  isRevoked(session: { sub: string; sid: string; createdAt: number }): Promise<boolean>;
}

/** Options of {@link MemoryRevocations}. */
export interface MemoryRevocationsOptions {
  /** Most logouts remembered; the oldest are forgotten first. Default 100,000. */
  maxEntries?: number;
}

interface Revocation {
  at: number;
  until: number;
  /** For a logout naming a `sid` and a `sub`: the user whose session it ends. */
  sub?: string;
}

/** Logouts remembered in this process: for single-process apps and tests. */
export class MemoryRevocations implements LogoutRevocations {
  readonly #entries = new Map<string, Revocation>();
  readonly #max: number;

  constructor(options: MemoryRevocationsOptions = {}) {
    this.#max = options.maxEntries ?? 100_000;
  }

  async revoke({ sub, sid }: LogoutSelector, at: number, ttlSeconds: number) {
    if (sub === undefined && sid === undefined) return;
    // A logout naming a sid ends that tenant session (of its sub, when named); a sub alone ends
    // every session of the user.
    const key = sid !== undefined ? `sid:${sid}` : `sub:${sub}`;
    const entry: Revocation = { at, until: at + ttlSeconds };
    if (sid !== undefined && sub !== undefined) entry.sub = sub;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    while (this.#entries.size > this.#max) {
      this.#entries.delete(this.#entries.keys().next().value as string);
    }
  }

  async isRevoked({ sub, sid, createdAt }: { sub: string; sid: string; createdAt: number }) {
    if (this.#entries.size === 0) return false;
    const now = Date.now() / 1000;
    for (const key of [`sid:${sid}`, `sub:${sub}`]) {
      const entry = this.#entries.get(key);
      if (!entry || entry.until <= now || entry.at < createdAt) continue;
      if (entry.sub === undefined || entry.sub === sub) return true;
    }
    return false;
  }
}
