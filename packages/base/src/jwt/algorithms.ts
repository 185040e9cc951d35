import { constants, type KeyObject, verify } from 'node:crypto';

/**
 * The asymmetric JWS algorithms this package verifies (RFC 7518 §3, RFC 8037 §3.1). There is no
 * symmetric algorithm and no `none` in this list, so no configuration can enable them.
 */
export type AsymmetricAlgorithm =
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'EdDSA';

/** What an algorithm needs from a key, and how node:crypto runs it. */
interface AlgorithmSpec {
  kty: 'RSA' | 'EC' | 'OKP';
  /** Digest for node:crypto; null for EdDSA, which hashes internally. */
  digest: 'sha256' | 'sha384' | 'sha512' | null;
  /** EC curve (`crv`) the key must be on. */
  curve?: 'P-256' | 'P-384' | 'P-521';
  /** RSASSA-PSS rather than PKCS #1 v1.5. */
  pss?: boolean;
  /** Exact signature length in bytes, where the algorithm fixes it (RFC 7518 §3.4). */
  signatureLength?: number;
}

const ALGORITHMS: Record<AsymmetricAlgorithm, AlgorithmSpec> = {
  RS256: { kty: 'RSA', digest: 'sha256' },
  RS384: { kty: 'RSA', digest: 'sha384' },
  RS512: { kty: 'RSA', digest: 'sha512' },
  PS256: { kty: 'RSA', digest: 'sha256', pss: true },
  PS384: { kty: 'RSA', digest: 'sha384', pss: true },
  PS512: { kty: 'RSA', digest: 'sha512', pss: true },
  ES256: { kty: 'EC', digest: 'sha256', curve: 'P-256', signatureLength: 64 },
  ES384: { kty: 'EC', digest: 'sha384', curve: 'P-384', signatureLength: 96 },
  ES512: { kty: 'EC', digest: 'sha512', curve: 'P-521', signatureLength: 132 },
  EdDSA: { kty: 'OKP', digest: null },
};

/** Every algorithm name this package can verify. */
export const ASYMMETRIC_ALGORITHMS = Object.keys(ALGORITHMS) as AsymmetricAlgorithm[];

/** Whether a value names one of {@link ASYMMETRIC_ALGORITHMS}. */
export function isAsymmetricAlgorithm(value: unknown): value is AsymmetricAlgorithm {
  return typeof value === 'string' && Object.hasOwn(ALGORITHMS, value);
}

/** The key type (`kty`) an algorithm needs. */
export function keyTypeOf(alg: AsymmetricAlgorithm): 'RSA' | 'EC' | 'OKP' {
  return ALGORITHMS[alg].kty;
}

/** The EC curve an algorithm needs, if it is an ECDSA algorithm. */
export function curveOf(alg: AsymmetricAlgorithm): string | undefined {
  return ALGORITHMS[alg].curve;
}

/**
 * Verifies a JWS signature with a key imported once as a `KeyObject`: the whole cost is one
 * node:crypto call. Never throws: a malformed signature is simply not valid.
 */
export function verifySignature(
  alg: AsymmetricAlgorithm,
  key: KeyObject,
  signingInput: string,
  signature: Buffer,
): boolean {
  const spec = ALGORITHMS[alg];
  if (spec.signatureLength !== undefined && signature.length !== spec.signatureLength) return false;
  const data = Buffer.from(signingInput, 'ascii');
  try {
    if (spec.kty === 'EC') {
      // JWS carries the raw r||s pair (RFC 7518 §3.4), not DER.
      return verify(spec.digest, data, { key, dsaEncoding: 'ieee-p1363' }, signature);
    }
    if (spec.pss) {
      return verify(
        spec.digest,
        data,
        {
          key,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
        },
        signature,
      );
    }
    return verify(spec.digest, data, key, signature);
  } catch {
    return false;
  }
}
