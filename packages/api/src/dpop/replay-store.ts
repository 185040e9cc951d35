import { LruCache } from '../cache/lru.js';

/**
 * Where the `jti`s of accepted DPoP proofs are remembered, so a captured proof cannot be replayed
 * (RFC 9449 §11.1). Share one store between the instances of an API (e.g. on Redis with
 * `SET key 1 NX PXAT expiresAt`) to stop replays across them.
 *
 * @example
 * const store: DpopReplayStore = {
 *   async markUsed(key, expiresAt) {
 *     return (await redis.set(`dpop:${key}`, '1', 'PXAT', expiresAt, 'NX')) === 'OK';
 *   },
 * };
 */
export interface DpopReplayStore {
  /**
   * Records `key` until `expiresAt` (milliseconds since the epoch) and resolves `true`, or resolves
   * `false` if it is already recorded and not expired. Must be atomic: two concurrent calls with one
   * key must not both resolve `true`.
   */
  markUsed(key: string, expiresAt: number): boolean | Promise<boolean>;
}

/**
 * The default {@link DpopReplayStore}: in memory, for one process, bounded. Past `maxEntries` the
 * least recently recorded proof is forgotten, which would let that one proof be replayed within
 * its short `iat` window; size the bound above the proofs the API accepts in that window.
 */
export class MemoryReplayStore implements DpopReplayStore {
  readonly #seen: LruCache<string, true>;

  constructor(options: { maxEntries?: number; now?: () => number } = {}) {
    this.#seen = new LruCache({ maxEntries: options.maxEntries ?? 100_000, now: options.now });
  }

  markUsed(key: string, expiresAt: number): boolean {
    if (this.#seen.get(key)) return false;
    this.#seen.set(key, true, expiresAt);
    return true;
  }

  /** Proofs remembered now. */
  get size(): number {
    return this.#seen.size;
  }
}
