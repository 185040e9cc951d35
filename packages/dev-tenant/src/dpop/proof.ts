import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, EmbeddedJWK, type JWTPayload, jwtVerify } from 'jose';
import type { DpopNonces } from './nonces.js';

/** The signature algorithms the tenant takes in proofs: oidc-provider's defaults, for every grant alike. */
export const DPOP_ALGORITHMS = ['ES256', 'Ed25519', 'EdDSA'];

/**
 * How far a proof's `iat` may be from now when it has no nonce, in seconds: five minutes either
 * way, as oidc-provider allows at its own grants.
 */
const IAT_WINDOW_SECONDS = 300;

/** Why a proof was refused: RFC 9449's error codes. */
export type DpopProofErrorCode = 'invalid_dpop_proof' | 'use_dpop_nonce';

/** A refused proof; `use_dpop_nonce` is answered with the nonce to use (`DPoP-Nonce`). */
export class DpopProofError extends Error {
  constructor(
    readonly code: DpopProofErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DpopProofError';
  }
}

/** What a proof must match: the request it came with, and the tenant's rules. */
export interface DpopProofExpectations {
  /** The `DPoP` header's value. */
  proof: string;
  /** The request's method: the proof's `htm`. */
  method: string;
  /** The request's URL without query or fragment: the proof's `htu` (RFC 9449 §4.3). */
  url: string;
  /** The access token sent with the proof to a resource server: its hash is the proof's `ath`. */
  accessToken?: string;
  /** The tenant's nonces when `dpopNonces` is on: the proof must carry a current one. */
  nonces: DpopNonces | undefined;
  /**
   * Records the proof's `jti` until `expiresAt` (seconds since the epoch); false when it was
   * recorded before, that is, when the proof is replayed.
   */
  unique(jti: string, expiresAt: number): Promise<boolean>;
}

/** A proof that passed: the key's RFC 7638 thumbprint, which a bound token carries as `cnf.jkt`. */
export interface DpopProof {
  thumbprint: string;
  jti: string;
  iat: number;
}

const invalid = (message: string) => new DpopProofError('invalid_dpop_proof', message);

/** The proof's signature (by the key in its header), `typ` and `alg`; its claims and header. */
async function verifiedJwt(proof: string) {
  try {
    return await jwtVerify(proof, EmbeddedJWK, { algorithms: DPOP_ALGORITHMS, typ: 'dpop+jwt' });
  } catch {
    throw invalid('invalid DPoP proof: not a dpop+jwt signed by the key in its header');
  }
}

/** Whether `htu` names `url`, query and fragment aside (RFC 9449 §4.3, check 9). */
function sameTarget(htu: unknown, url: string): boolean {
  if (typeof htu !== 'string' || !URL.canParse(htu)) return false;
  const target = new URL(htu);
  target.search = '';
  target.hash = '';
  return target.href === new URL(url).href;
}

/** The proof's freshness: a current nonce when nonces are on, else an `iat` close to now. */
function checkFreshness(payload: JWTPayload, nonces: DpopNonces | undefined): void {
  const { nonce } = payload;
  if (nonce !== undefined && typeof nonce !== 'string')
    throw invalid('DPoP proof nonce must be a string');
  if (nonces) {
    if (!nonce) throw new DpopProofError('use_dpop_nonce', 'nonce is required in the DPoP proof');
    if (!nonces.accepts(nonce))
      throw new DpopProofError('use_dpop_nonce', 'invalid nonce in DPoP proof');
    return;
  }
  if (nonce) throw invalid('DPoP nonces are not in use');
  if (Math.abs(Math.floor(Date.now() / 1000) - (payload.iat as number)) > IAT_WINDOW_SECONDS) {
    throw invalid('DPoP proof iat is not recent enough');
  }
}

/**
 * Checks a DPoP proof as RFC 9449 §4.3 has it: signed by the public key in its header with an
 * allowed algorithm, `typ: dpop+jwt`, `jti` and `iat` present, `htm` and `htu` those of the
 * request, `ath` the hash of the access token sent with it, fresh (a current nonce, or a recent
 * `iat`), and not seen before. Throws a {@link DpopProofError} saying what is wrong.
 *
 * @example
 * const { thumbprint } = await verifyDpopProof({ proof, method: 'POST', url, nonces, unique });
 */
export async function verifyDpopProof(expected: DpopProofExpectations): Promise<DpopProof> {
  const { payload, protectedHeader } = await verifiedJwt(expected.proof);
  if (typeof payload.iat !== 'number' || !payload.iat) {
    throw invalid('DPoP proof must have a iat number property');
  }
  if (typeof payload.jti !== 'string' || !payload.jti) {
    throw invalid('DPoP proof must have a jti string property');
  }
  if (payload.htm !== expected.method) throw invalid('DPoP proof htm mismatch');
  if (!sameTarget(payload.htu, expected.url)) throw invalid('DPoP proof htu mismatch');
  if (expected.accessToken !== undefined) {
    const ath = createHash('sha256').update(expected.accessToken).digest('base64url');
    if (payload.ath !== ath) throw invalid('DPoP proof ath mismatch');
  }
  checkFreshness(payload, expected.nonces);
  const now = Math.floor(Date.now() / 1000);
  if (!(await expected.unique(payload.jti, now + IAT_WINDOW_SECONDS))) {
    throw invalid('DPoP proof JWT replay detected');
  }
  const thumbprint = await calculateJwkThumbprint(
    protectedHeader.jwk as Parameters<typeof calculateJwkThumbprint>[0],
  );
  return { thumbprint, jti: payload.jti, iat: payload.iat };
}
