import { createHash, timingSafeEqual } from 'node:crypto';
import {
  type AsymmetricAlgorithm,
  importPublicJwk,
  isAsymmetricAlgorithm,
  keyFitsAlgorithm,
  type PublicKey,
  parseCompactJws,
  verifySignature,
} from '@gatehouse/base';
import { InvalidDpopProofError, type InvalidDpopProofErrorCode } from '../errors.js';
import { normalizeHtu } from './htu.js';

/** The proof rules of one client, from its `dpop` options. Seconds. */
export interface ProofPolicy {
  algorithms: ReadonlySet<AsymmetricAlgorithm>;
  /** How old a proof's `iat` may be. */
  maxAge: number;
  /** How far in the future a proof's `iat` may be (clock skew). */
  leeway: number;
}

/** The request a proof must match. */
export interface ProofRequest {
  proof: string;
  method: string;
  url: string | URL;
  accessToken: string;
  /** Seconds since the epoch. */
  now: number;
}

/** A proof that passed every check of RFC 9449 §4.3 except replay, nonce and token binding. */
export interface VerifiedProof {
  /** RFC 7638 thumbprint of the proof's key: what `cnf.jkt` must equal. */
  jkt: string;
  jti: string;
  iat: number;
  nonce: string | undefined;
}

/** Proofs are small (a header with one public key and five claims); anything bigger is refused unread. */
const MAX_PROOF_LENGTH = 8192;
/** Bounds what one `jti` can cost in the replay store. */
const MAX_JTI_LENGTH = 256;

const invalid = (code: InvalidDpopProofErrorCode, message?: string) =>
  new InvalidDpopProofError(code, message ? { message } : {});

/** `base64url(SHA-256(value))`: the form of `ath` (RFC 9449 §4.2) and of JWK thumbprints. */
export function sha256Base64url(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** RFC 7638 thumbprint: the key's members are kept in the RFC's order, so this is their JSON. */
export function jwkThumbprint(key: PublicKey): string {
  return sha256Base64url(JSON.stringify(key.members));
}

/** Compares two strings without an early exit on the first difference. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Verifies a DPoP proof against the request (RFC 9449 §4.3): one well-formed JWS with
 * `typ: dpop+jwt`, an allowed asymmetric `alg`, a public `jwk` of the matching type that verifies
 * the signature, no `crit`; string `jti`, `htm` equal to the method, `htu` equal to the URL once
 * both are normalised, `iat` within the window, and `ath` equal to the token's hash. Replay, nonce
 * and the `cnf.jkt` binding are checked by the caller, which has the store and the token.
 */
export function verifyDpopProof(request: ProofRequest, policy: ProofPolicy): VerifiedProof {
  const { header, payload, signingInput, signature } = parseCompactJws(
    request.proof,
    MAX_PROOF_LENGTH,
    () => invalid('invalid_dpop_proof', 'The DPoP proof is not a well-formed JWS'),
  );
  if (typeof header.typ !== 'string' || header.typ.toLowerCase() !== 'dpop+jwt') {
    throw invalid('invalid_dpop_proof', "The DPoP proof's typ is not dpop+jwt");
  }
  const { alg } = header;
  if (!isAsymmetricAlgorithm(alg) || !policy.algorithms.has(alg)) {
    throw invalid('invalid_dpop_proof', "The DPoP proof's algorithm is not allowed");
  }
  if (header.crit !== undefined) {
    throw invalid('invalid_dpop_proof', 'The DPoP proof has a critical header');
  }
  const key = importPublicJwk(header.jwk);
  if (!key || !keyFitsAlgorithm(key, alg)) {
    throw invalid('invalid_dpop_proof', "The DPoP proof's jwk is not a public key for its alg");
  }
  if (!verifySignature(alg, key.keyObject, signingInput, signature)) {
    throw invalid('invalid_dpop_proof', "The DPoP proof's signature is invalid");
  }
  const { jti, htm, htu, iat, ath, nonce } = payload;
  if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_LENGTH) {
    throw invalid('invalid_dpop_proof', "The DPoP proof's jti is missing or invalid");
  }
  if (typeof htm !== 'string' || typeof htu !== 'string' || typeof ath !== 'string') {
    throw invalid('invalid_dpop_proof', 'The DPoP proof lacks htm, htu or ath');
  }
  if (typeof iat !== 'number' || !Number.isFinite(iat)) {
    throw invalid('invalid_dpop_proof', "The DPoP proof's iat is missing or invalid");
  }
  if (nonce !== undefined && typeof nonce !== 'string') {
    throw invalid('invalid_dpop_proof', "The DPoP proof's nonce is not a string");
  }
  if (iat < request.now - policy.maxAge || iat > request.now + policy.leeway) {
    throw invalid('dpop_iat_out_of_window');
  }
  if (htm !== request.method.toUpperCase()) throw invalid('dpop_method_mismatch');
  const expectedUrl = normalizeHtu(request.url);
  if (expectedUrl === undefined || normalizeHtu(htu) !== expectedUrl) {
    throw invalid('dpop_url_mismatch');
  }
  if (!constantTimeEqual(ath, sha256Base64url(request.accessToken))) {
    throw invalid('dpop_ath_mismatch');
  }
  return { jkt: jwkThumbprint(key), jti, iat, nonce };
}
