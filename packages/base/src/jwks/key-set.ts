import { importPublicJwk, type PublicKey } from '../jwt/jwk.js';

/** Keys beyond this many in one JWKS are ignored: a bound on what one response can make us hold. */
const MAX_KEYS = 100;

/**
 * The usable signing keys of one JWKS (RFC 7517 §5), indexed by `kid`; keys without a `kid` are
 * kept too, for tokens that name none (OpenID Connect Core §10.1.1). Each JWK is imported into a
 * `KeyObject` once: building a set from a refetched JWKS reuses the previous set's objects for
 * unchanged keys, so a token cache can tell by identity whether its key is still published.
 */
export class KeySet {
  readonly #byKid = new Map<string, PublicKey[]>();
  readonly #keys = new Set<PublicKey>();

  private constructor() {}

  /**
   * Builds a set from a JWKS body. Private or symmetric keys, encryption keys and keys that do not
   * import (an unsupported curve such as `secp256k1`) are skipped; a set with no usable key is
   * refused by the caller.
   */
  static fromJwks(jwks: { keys: unknown[] }, previous?: KeySet): KeySet {
    const set = new KeySet();
    const reusable = new Map<string, PublicKey>();
    for (const key of previous ? previous.#keys : []) reusable.set(key.fingerprint, key);
    for (const jwk of jwks.keys.slice(0, MAX_KEYS)) {
      const imported = importPublicJwk(jwk);
      if (!imported) continue;
      const key = reusable.get(imported.fingerprint) ?? imported;
      if (set.#keys.has(key)) continue;
      set.#keys.add(key);
      if (key.kid === undefined) continue;
      const sameKid = set.#byKid.get(key.kid);
      if (sameKid) sameKid.push(key);
      else set.#byKid.set(key.kid, [key]);
    }
    return set;
  }

  /** The keys published under a `kid` (usually one). */
  get(kid: string): readonly PublicKey[] | undefined {
    return this.#byKid.get(kid);
  }

  /** Every key, with or without a `kid`, that passes `fits`: a `kid`-less token's candidates. */
  matching(fits: (key: PublicKey) => boolean): PublicKey[] {
    return [...this.#keys].filter(fits);
  }

  /** Whether this very key (same imported object) is in the set. */
  has(key: PublicKey): boolean {
    return this.#keys.has(key);
  }

  /** Number of usable keys. */
  get size(): number {
    return this.#keys.size;
  }
}
