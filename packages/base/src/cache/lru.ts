/**
 * The one bounded map of this package: least-recently-used eviction plus an optional expiry per
 * entry. The verified-token cache, the unknown-`kid` cache, the per-issuer key caches and the
 * in-memory DPoP replay store are all instances of it, so every map an attacker can make us add to
 * has a hard bound.
 *
 * Expiry is checked lazily on read: an expired entry is removed when it is next looked at, or
 * evicted as the least recently used one.
 *
 * @example
 * const cache = new LruCache<string, number>({ maxEntries: 2 });
 * cache.set('a', 1, Date.now() + 1000);
 * cache.get('a'); // 1
 */
export class LruCache<K, V> {
  readonly #entries = new Map<K, { value: V; expiresAt: number }>();
  readonly #maxEntries: number;
  readonly #now: () => number;
  /** The key at the most recent end of `#entries`, if known. */
  #mostRecent: K | undefined;

  constructor(options: {
    /** Most entries kept; the least recently used is evicted beyond it. 0 keeps nothing. */
    maxEntries: number;
    /** Clock in milliseconds since the epoch. Default `Date.now`. */
    now?: () => number;
  }) {
    this.#maxEntries = options.maxEntries;
    this.#now = options.now ?? Date.now;
  }

  /** How many entries are held, counting expired ones not yet looked at. */
  get size(): number {
    return this.#entries.size;
  }

  /** The value, if present and not expired; marks it as recently used. */
  get(key: K): V | undefined {
    // A disabled cache (the verified-token cache by default) costs no hashing of a long key.
    if (this.#maxEntries <= 0) return undefined;
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.delete(key);
      return undefined;
    }
    // Re-inserting moves the key to the end of the Map's insertion order: the most recent end.
    // Skipped when it is there already, as for a run of hits on one key (one issuer, one token).
    if (key !== this.#mostRecent) {
      this.#entries.delete(key);
      this.#entries.set(key, entry);
      this.#mostRecent = key;
    }
    return entry.value;
  }

  /** Stores a value until `expiresAt` (milliseconds since the epoch; default: no expiry). */
  set(key: K, value: V, expiresAt = Number.POSITIVE_INFINITY): void {
    if (this.#maxEntries <= 0) return;
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt });
    this.#mostRecent = key;
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value as K;
      this.#entries.delete(oldest);
    }
  }

  /** The values held, oldest first, without marking them used (expired ones included). */
  *values(): IterableIterator<V> {
    for (const entry of this.#entries.values()) yield entry.value;
  }

  /** Removes an entry. */
  delete(key: K): void {
    this.#entries.delete(key);
    if (key === this.#mostRecent) this.#mostRecent = undefined;
  }

  /** Removes every entry. */
  clear(): void {
    this.#entries.clear();
    this.#mostRecent = undefined;
  }
}
