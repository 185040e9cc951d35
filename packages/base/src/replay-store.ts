import { LruCache } from './cache/lru.js';
import type { Clock } from './clock.js';

/**
 * Where one-time identifiers are remembered until they expire: the `jti`s of accepted DPoP proofs
 * (RFC 9449 §11.1) and of back-channel logout tokens (OpenID Back-Channel Logout 1.0 §2.6), so a
 * captured one cannot be replayed. When an app or API runs on several machines, share one store
 * between them (e.g. `RedisLogoutTokenReplayStore`, or Redis's `SET key 1 NX PXAT expiresAt`).
 *
 * @example
 * const store: ReplayStore = {
 *   async markUsed(id, expiresAt) {
 *     return (await redis.set(`replay:${id}`, '1', 'PXAT', expiresAt, 'NX')) === 'OK';
 *   },
 *   async forget(id) { await redis.del(`replay:${id}`); },
 * };
 */
export interface ReplayStore {
  /**
   * Records `id` until `expiresAt` (milliseconds since the epoch) and answers `true`, or answers
   * `false` if it is already recorded and not expired. Must be atomic: two concurrent calls with
   * one id must not both answer `true`.
   */
  markUsed(id: string, expiresAt: number): boolean | Promise<boolean>;
  /**
   * Forgets `id` again, when what it allowed could not be carried out (a logout the session store
   * failed to record), so that a redelivery is accepted rather than refused as a replay. Needed by
   * back-channel logout; DPoP never calls it.
   */
  forget?(id: string): void | Promise<void>;
}

/** Options of {@link MemoryReplayStore}. */
export interface MemoryReplayStoreOptions {
  /** Most ids remembered; past it the least recently recorded goes first. Default 100,000. */
  maxEntries?: number;
  /** The clock expiry is read against. Default the system clock. */
  now?: Clock;
}

/**
 * The default {@link ReplayStore}: in memory, for one process, bounded. Past `maxEntries` the
 * least recently recorded id is forgotten, which would let that one be replayed within its short
 * freshness window; size the bound above what is accepted in that window.
 */
export class MemoryReplayStore implements ReplayStore {
  readonly #seen: LruCache<string, true>;

  constructor(options: MemoryReplayStoreOptions = {}) {
    this.#seen = new LruCache({ maxEntries: options.maxEntries ?? 100_000, now: options.now });
  }

  markUsed(id: string, expiresAt: number): boolean {
    if (this.#seen.get(id)) return false;
    this.#seen.set(id, true, expiresAt);
    return true;
  }

  forget(id: string): void {
    this.#seen.delete(id);
  }

  /** Ids remembered now. */
  get size(): number {
    return this.#seen.size;
  }
}
