import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  type AsymmetricAlgorithm,
  type IssuerKeys,
  isAsymmetricAlgorithm,
  keyFitsAlgorithm,
  type ParsedJws,
  type PublicKey,
  UnknownKeyError,
  verifySignature,
} from '@gatehouse/base';

/** Why a signature was refused: the reason becomes part of the caller's typed error. */
export class SignatureError extends Error {
  override readonly name = 'SignatureError';
}

/** The HMAC algorithms an ID token may use when, and only when, the app configures one. */
export type HmacAlgorithm = 'HS256' | 'HS384' | 'HS512';

const HMAC_DIGESTS: Record<HmacAlgorithm, 'sha256' | 'sha384' | 'sha512'> = {
  HS256: 'sha256',
  HS384: 'sha384',
  HS512: 'sha512',
};

export const isHmacAlgorithm = (value: unknown): value is HmacAlgorithm =>
  typeof value === 'string' && Object.hasOwn(HMAC_DIGESTS, value);

/**
 * The published keys that may verify a token: with a `kid`, the keys of that `kid` (an unknown
 * `kid` refetches the JWKS at once, within the cooldown, so the first token after a key rotation
 * verifies); without one, the single key that fits the algorithm's `kty` and curve (OpenID Connect
 * Core §10.1.1). Encryption keys and keys that cannot be imported are never candidates (the key
 * set skipped them); more than one candidate for a `kid`-less token is refused, not guessed.
 */
async function candidateKeys(
  keys: IssuerKeys,
  kid: unknown,
  alg: AsymmetricAlgorithm,
): Promise<PublicKey[]> {
  const fits = (key: PublicKey) => keyFitsAlgorithm(key, alg);
  if (kid === undefined) {
    const candidates = (await keys.keySet()).matching(fits);
    if (candidates.length > 1) {
      throw new SignatureError(`the token names no kid and ${candidates.length} keys fit ${alg}`);
    }
    return candidates;
  }
  if (typeof kid !== 'string' || kid === '') throw new SignatureError('the kid is not a string');
  try {
    return (await keys.keysFor(kid)).filter(fits);
  } catch (cause) {
    if (cause instanceof UnknownKeyError) throw new SignatureError(cause.message);
    throw cause;
  }
}

/**
 * Verifies a parsed JWS's signature (an ID token's, a logout token's) against the tenant's
 * published keys, through the key cache APIs use, with one of `algorithms` (asymmetric only).
 * Resolves to the key that verified.
 */
export async function verifyTenantSignature(
  keys: IssuerKeys,
  jws: ParsedJws,
  algorithms: ReadonlySet<AsymmetricAlgorithm>,
): Promise<PublicKey> {
  const { header, signingInput, signature } = jws;
  const { alg } = header;
  if (!isAsymmetricAlgorithm(alg) || !algorithms.has(alg)) {
    throw new SignatureError(`the algorithm ${String(alg)} is not accepted`);
  }
  const candidates = await candidateKeys(keys, header.kid, alg);
  if (candidates.length === 0) throw new SignatureError(`no published key fits ${alg}`);
  for (const key of candidates) {
    if (verifySignature(alg, key.keyObject, signingInput, signature)) return key;
  }
  throw new SignatureError('the signature is invalid');
}

/**
 * Verifies an HMAC signature made with the client secret (OpenID Connect Core §10.1: the secret's
 * UTF-8 octets are the key), in constant time. Only for an app that configured an `HS*` algorithm.
 */
export function verifyHmacSignature(jws: ParsedJws, alg: HmacAlgorithm, secret: string): void {
  if (jws.header.alg !== alg) {
    throw new SignatureError(`the algorithm ${String(jws.header.alg)} is not accepted`);
  }
  const expected = createHmac(HMAC_DIGESTS[alg], secret).update(jws.signingInput).digest();
  if (expected.length !== jws.signature.length || !timingSafeEqual(expected, jws.signature)) {
    throw new SignatureError('the signature is invalid');
  }
}
