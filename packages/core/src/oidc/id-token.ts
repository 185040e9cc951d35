import {
  ASYMMETRIC_ALGORITHMS,
  type AsymmetricAlgorithm,
  type IssuerKeys,
  isAsymmetricAlgorithm,
  keyFitsAlgorithm,
  type PublicKey,
  parseCompactJws,
  UnknownKeyError,
  verifySignature,
} from '@gatehouse/base';
import type * as oauth from 'oauth4webapi';

/** Largest ID token looked at: far above what any tenant issues, far below a memory problem. */
const MAX_ID_TOKEN_LENGTH = 16_384;

/** Why a signature was refused: the reason becomes part of an `id_token_validation_error`. */
export class SignatureError extends Error {
  override readonly name = 'SignatureError';
}

/**
 * The algorithms an ID token may be signed with: the tenant's advertised
 * `id_token_signing_alg_values_supported` that are asymmetric (never `none`, never `HS*`), or
 * RS256, the OpenID Connect default, when it advertises none.
 */
export function idTokenAlgorithms(as: oauth.AuthorizationServer): ReadonlySet<AsymmetricAlgorithm> {
  const advertised = as.id_token_signing_alg_values_supported?.filter(isAsymmetricAlgorithm);
  return new Set(advertised && advertised.length > 0 ? advertised : ['RS256']);
}

/**
 * Verifies a JWS's signature (an ID token's, a logout token's) against the tenant's published
 * keys, through the key cache APIs use: an unknown `kid` refetches the JWKS at once (within the
 * cooldown), so the first login after a key rotation works. Claims are checked elsewhere (by
 * oauth4webapi for ID tokens, by jose for logout tokens). Resolves to the key that verified.
 */
export async function verifyTenantSignature(
  keys: IssuerKeys,
  jws: string,
  algorithms: ReadonlySet<AsymmetricAlgorithm> = new Set(ASYMMETRIC_ALGORITHMS),
): Promise<PublicKey> {
  const { header, signingInput, signature } = parseCompactJws(
    jws,
    MAX_ID_TOKEN_LENGTH,
    () => new SignatureError('the token is not a well-formed JWS'),
  );
  const { alg, kid } = header;
  if (!isAsymmetricAlgorithm(alg) || !algorithms.has(alg)) {
    throw new SignatureError(`the algorithm ${String(alg)} is not accepted`);
  }
  if (typeof kid !== 'string' || kid === '') throw new SignatureError('the token names no kid');
  let published: readonly PublicKey[];
  try {
    published = await keys.keysFor(kid);
  } catch (cause) {
    if (cause instanceof UnknownKeyError) throw new SignatureError(cause.message);
    throw cause;
  }
  let fitting = false;
  for (const key of published) {
    if (!keyFitsAlgorithm(key, alg)) continue;
    fitting = true;
    if (verifySignature(alg, key.keyObject, signingInput, signature)) return key;
  }
  throw new SignatureError(fitting ? 'the signature is invalid' : 'no published key fits the alg');
}
