import type { LogoutSelector } from './types.js';

/**
 * Remembers back-channel logouts so that stateless (cookie) sessions can honour them: a cookie
 * cannot be deleted from the server, but every session read asks whether its `sid` or `sub` was
 * logged out after the session began.
 */
export interface LogoutRevocations {
  /** Records a logout at `at` (seconds since the epoch), kept for `ttlSeconds`. */
  revoke(selector: LogoutSelector, at: number, ttlSeconds: number): Promise<void>;
  /** Whether a session of this user and tenant session, created at `createdAt`, was logged out. */
  isRevoked(session: { sub: string; sid: string; createdAt: number }): Promise<boolean>;
}

/** Options of {@link MemoryRevocations}. */
export interface MemoryRevocationsOptions {
  /** Most logouts remembered; the oldest are forgotten first. Default 100,000. */
  maxEntries?: number;
}

/** Logouts remembered in this process: for single-process apps and tests. */
export class MemoryRevocations implements LogoutRevocations {
  readonly #entries = new Map<string, { at: number; until: number }>();
  readonly #max: number;

  constructor(options: MemoryRevocationsOptions = {}) {
    this.#max = options.maxEntries ?? 100_000;
  }

  async revoke({ sub, sid }: LogoutSelector, at: number, ttlSeconds: number) {
    // A logout naming both ends that one tenant session only; a sub alone ends every session.
    const key = sid !== undefined ? `sid:${sid}` : `sub:${sub}`;
    this.#entries.delete(key);
    this.#entries.set(key, { at, until: at + ttlSeconds });
    while (this.#entries.size > this.#max) {
      this.#entries.delete(this.#entries.keys().next().value as string);
    }
  }

  async isRevoked({ sub, sid, createdAt }: { sub: string; sid: string; createdAt: number }) {
    const now = Date.now() / 1000;
    for (const key of [`sid:${sid}`, `sub:${sub}`]) {
      const entry = this.#entries.get(key);
      if (entry && entry.until > now && entry.at >= createdAt) return true;
    }
    return false;
  }
}
