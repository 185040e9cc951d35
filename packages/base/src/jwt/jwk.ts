import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import {
  type AsymmetricAlgorithm,
  curveOf,
  isAsymmetricAlgorithm,
  keyTypeOf,
} from './algorithms.js';

/** A public verification key, imported once into a node:crypto `KeyObject`. */
export interface PublicKey {
  /** `kid` of the JWK, if any. */
  readonly kid: string | undefined;
  readonly kty: 'RSA' | 'EC' | 'OKP';
  readonly crv: string | undefined;
  /** `alg` of the JWK, if it pins one. */
  readonly alg: AsymmetricAlgorithm | undefined;
  readonly keyObject: KeyObject;
  /** The public members only, in a fixed order: what the key is, for reuse across refetches. */
  readonly members: Readonly<Record<string, string>>;
  /** `kid`, `alg` and the public members as one string: equal strings are the same key. */
  readonly fingerprint: string;
}

/**
 * JWK members that only private or symmetric keys have (RFC 7518 §6.2.2, §6.3.2, §6.4). A key
 * carrying any of them is refused: a DPoP proof with a private `jwk` is a known peer bug
 * (CVE-2026-54431), and a JWKS should never publish one.
 */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** Public members per key type, in RFC 7638 §3.2 order. */
const PUBLIC_MEMBERS: Record<PublicKey['kty'], readonly string[]> = {
  RSA: ['e', 'kty', 'n'],
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
};

const CURVES: Record<PublicKey['kty'], readonly (string | undefined)[]> = {
  RSA: [undefined],
  EC: ['P-256', 'P-384', 'P-521'],
  OKP: ['Ed25519', 'Ed448'],
};

/** RSA keys shorter than this are refused (RFC 7518 §3.3, §3.5). */
const MIN_RSA_BITS = 2048;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Imports a public JWK for signature verification, or returns undefined when it is not one: a
 * private or symmetric key, an encryption key (`use` other than `sig`), an unknown `alg`, an
 * unsupported curve, a short RSA modulus, or members node:crypto cannot import.
 *
 * @example
 * const key = importPublicJwk({ kty: 'EC', crv: 'P-256', x, y, kid: 'k1' });
 */
export function importPublicJwk(value: unknown): PublicKey | undefined {
  if (!isRecord(value)) return undefined;
  const { kty, crv, kid, alg, use } = value;
  if (kty !== 'RSA' && kty !== 'EC' && kty !== 'OKP') return undefined;
  if (PRIVATE_MEMBERS.some((member) => member in value)) return undefined;
  if (use !== undefined && use !== 'sig') return undefined;
  if (alg !== undefined && !isAsymmetricAlgorithm(alg)) return undefined;
  if (kid !== undefined && typeof kid !== 'string') return undefined;
  if (!CURVES[kty].includes(crv as string | undefined)) return undefined;
  const members: Record<string, string> = {};
  for (const name of PUBLIC_MEMBERS[kty]) {
    const member = value[name];
    if (typeof member !== 'string' || member === '') return undefined;
    members[name] = member;
  }
  let keyObject: KeyObject;
  try {
    keyObject = createPublicKey({ key: members as JsonWebKey, format: 'jwk' });
  } catch {
    return undefined;
  }
  if (kty === 'RSA' && (keyObject.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS) {
    return undefined;
  }
  return {
    kid,
    kty,
    crv: crv as string | undefined,
    alg,
    keyObject,
    members,
    fingerprint: JSON.stringify([kid, alg, members]),
  };
}

/**
 * Whether a key may verify a token signed with `alg`: the key type and curve must be the ones the
 * algorithm is defined for, and a JWK that names its `alg` must name this one. This is what stops
 * algorithm confusion (an HMAC or an ECDSA signature checked with an RSA key's bytes).
 */
export function keyFitsAlgorithm(key: PublicKey, alg: AsymmetricAlgorithm): boolean {
  if (key.kty !== keyTypeOf(alg)) return false;
  if (key.alg !== undefined && key.alg !== alg) return false;
  const curve = curveOf(alg);
  return curve === undefined || key.crv === curve;
}
