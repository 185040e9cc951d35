import { LruCache } from '@gatehouse/base';

/**
 * How many characters at the end of a token key the cache: the tail of the signature, 192 bits,
 * where every JWS this package accepts has at least 86 characters of signature.
 */
const KEY_LENGTH = 32;

/**
 * The verified-token cache: an {@link LruCache} keyed by the tail of each token. A Map hashes
 * every character of a string it has not seen, and each request brings a new string: for a
 * 700-character token that hashing cost more than everything else a cache hit does. The tail of a
 * signature is as good a key at a twentieth of the cost. Each entry keeps the whole token, and a
 * hit must match it exactly; two tokens with one tail only take each other's place.
 */
export class VerifiedTokenCache<V> {
  readonly #entries: LruCache<string, { token: string; value: V }>;
  /** False when `maxEntries` is 0: then a lookup does not even cut the key. */
  readonly #enabled: boolean;

  constructor(options: {
    /** Most tokens kept; 0 disables the cache. */
    maxEntries: number;
    /** Clock in milliseconds since the epoch. */
    now: () => number;
  }) {
    this.#entries = new LruCache(options);
    this.#enabled = options.maxEntries > 0;
  }

  /** Tokens held now. */
  get size(): number {
    return this.#entries.size;
  }

  /** The value cached for exactly this token, if any and not expired. */
  get(token: string): V | undefined {
    if (!this.#enabled) return undefined;
    const entry = this.#entries.get(token.slice(-KEY_LENGTH));
    return entry?.token === token ? entry.value : undefined;
  }

  /** Caches a value for the token until `expiresAt` (milliseconds since the epoch). */
  set(token: string, value: V, expiresAt: number): void {
    this.#entries.set(token.slice(-KEY_LENGTH), { token, value }, expiresAt);
  }

  /** Forgets the token. */
  delete(token: string): void {
    const key = token.slice(-KEY_LENGTH);
    if (this.#entries.get(key)?.token === token) this.#entries.delete(key);
  }
}
