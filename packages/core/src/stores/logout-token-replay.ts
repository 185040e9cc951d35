/**
 * Remembers which back-channel logout tokens were used, so that each is accepted once (its `jti`,
 * OpenID Connect Back-Channel Logout 1.0 §2.6). When the app runs on several machines, the memory
 * must be shared, or a token captured on its way to one machine could be replayed to another
 * within its freshness window and end sessions begun after the logout.
 */
export interface LogoutTokenReplayStore {
  /**
   * Records `jti` until `expiresAt` (seconds since the epoch; the token is refused as too old
   * after that anyway). Resolves true the first time, false when it was already recorded.
   */
  remember(jti: string, expiresAt: number): Promise<boolean>;
  /**
   * Forgets `jti` again: its logout could not be carried out (the session store failed), so the
   * tenant's next delivery of the same token must be accepted, not refused as a replay.
   */
  forget(jti: string): Promise<void>;
}

/** Options of {@link MemoryLogoutTokenReplayStore}. */
export interface MemoryLogoutTokenReplayStoreOptions {
  /** Most `jti`s remembered; expired ones go first, then the oldest. Default 50,000. */
  maxEntries?: number;
}

/** Used logout tokens remembered in this process: the default, right for a single process. */
export class MemoryLogoutTokenReplayStore implements LogoutTokenReplayStore {
  readonly #seen = new Map<string, number>();
  readonly #max: number;

  constructor(options: MemoryLogoutTokenReplayStoreOptions = {}) {
    this.#max = options.maxEntries ?? 50_000;
  }

  async remember(jti: string, expiresAt: number): Promise<boolean> {
    const now = Date.now() / 1000;
    const until = this.#seen.get(jti);
    if (until !== undefined && until > now) return false;
    this.#seen.set(jti, expiresAt);
    if (this.#seen.size > this.#max) {
      for (const [key, value] of this.#seen) if (value <= now) this.#seen.delete(key);
      while (this.#seen.size > this.#max) {
        this.#seen.delete(this.#seen.keys().next().value as string);
      }
    }
    return true;
  }

  async forget(jti: string): Promise<void> {
    this.#seen.delete(jti);
  }
}
