import type { JWTPayload } from 'jose';
import type { Context } from 'koa';
import type { DpopPolicy } from '../config.js';
import type { TenantState } from '../tenant-state.js';
import { verifyTenantAccessToken } from '../verify-tenant-access-token.js';
import { DPOP_ALGORITHMS, DpopProofError, verifyDpopProof } from './proof.js';

/** RFC 6750 / RFC 9449 error codes of a refused resource request. */
export type ResourceErrorCode = 'invalid_token' | 'invalid_dpop_proof' | 'use_dpop_nonce';

/** Why a resource request was refused: a 401 with its challenge and, for a nonce, the nonce. */
export interface ResourceRefusal {
  status: 401;
  code: ResourceErrorCode;
  /** What went wrong, for the body; it names no part of the token. */
  detail: string;
  /** The `WWW-Authenticate` header. */
  challenge: string;
  /** The `DPoP-Nonce` header to send, with `use_dpop_nonce`. */
  nonce?: string;
}

/** What a resource server of the tenant (the My Account API) checks a request against. */
export interface ResourceAccessOptions {
  state: TenantState;
  ctx: Context;
  /** The API's identifier: the token's `aud`. */
  audience: string;
  /** The request's URL without its query, as proofs must name it (`htu`). */
  url: string;
  /** Whether the API also takes unbound tokens as `Bearer` (`'allowed'`) or not (`'required'`). */
  policy: DpopPolicy;
  /** Records a proof's `jti` until `expiresAt`; false for a replayed proof. */
  unique(jti: string, expiresAt: number): Promise<boolean>;
}

const AUTHORIZATION = /^(Bearer|DPoP) +([\w.~+/-]+=*)$/i;

/** The `cnf.jkt` of a token's claims, when it is DPoP-bound. */
export function boundKeyOf(claims: JWTPayload): string | undefined {
  const cnf = claims.cnf as { jkt?: unknown } | undefined;
  return typeof cnf?.jkt === 'string' ? cnf.jkt : undefined;
}

function refusal(
  code: ResourceErrorCode,
  detail: string,
  scheme: 'Bearer' | 'DPoP',
  nonce?: string,
): { refusal: ResourceRefusal } {
  const challenge =
    scheme === 'Bearer'
      ? `Bearer error="${code}"`
      : `DPoP error="${code}", error_description="${detail}", algs="${DPOP_ALGORITHMS.join(' ')}"`;
  return { refusal: { status: 401, code, detail, challenge, ...(nonce ? { nonce } : {}) } };
}

/**
 * Authenticates a request to a resource server of the tenant (RFC 9449 §7): `Authorization: DPoP
 * <token>` with a `DPoP` proof for this request (`htm`, `htu`, `ath` of the token, signed by the
 * key of the token's `cnf.jkt`, a current nonce when nonces are on), or `Bearer <token>` for an
 * unbound token when the policy allows it. A DPoP-bound token sent as `Bearer` is always refused:
 * otherwise a stolen bound token would work without its key. Refusals challenge with `DPoP` when
 * DPoP is involved (the request used it, the token is bound, or the API requires it), else with
 * `Bearer`, as before the API took DPoP.
 */
export async function authenticateResourceRequest(
  options: ResourceAccessOptions,
): Promise<{ claims: JWTPayload & { sub: string } } | { refusal: ResourceRefusal }> {
  const { ctx, state, policy } = options;
  const match = AUTHORIZATION.exec(ctx.get('authorization'));
  const scheme = match?.[1]?.toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer';
  const token = match?.[2];
  const challengeScheme = scheme === 'DPoP' || policy === 'required' ? 'DPoP' : 'Bearer';
  const claims = token ? await verifyTenantAccessToken(state, token, options.audience) : undefined;
  if (!token || !claims || typeof claims.sub !== 'string') {
    const detail = 'A valid access token for the My Account API is required.';
    return refusal('invalid_token', detail, challengeScheme);
  }
  const jkt = boundKeyOf(claims);
  const valid = { claims: claims as JWTPayload & { sub: string } };

  if (scheme === 'Bearer') {
    if (jkt) {
      const detail = 'A DPoP-bound access token must be sent with the DPoP scheme and a proof.';
      return refusal('invalid_token', detail, 'DPoP');
    }
    if (policy === 'required') {
      return refusal('invalid_token', 'This API takes only DPoP-bound access tokens.', 'DPoP');
    }
    return valid;
  }

  if (!jkt) return refusal('invalid_token', 'The access token is not DPoP-bound.', 'DPoP');
  const proof = ctx.get('dpop');
  if (!proof) return refusal('invalid_dpop_proof', 'A DPoP proof is required.', 'DPoP');
  const nonces = state.dpopNonces;
  try {
    const { thumbprint } = await verifyDpopProof({
      proof,
      method: ctx.method,
      url: options.url,
      accessToken: token,
      nonces,
      unique: options.unique,
    });
    if (thumbprint !== jkt) {
      const detail = 'The DPoP proof is not signed with the key the access token is bound to.';
      return refusal('invalid_dpop_proof', detail, 'DPoP');
    }
  } catch (error) {
    if (!(error instanceof DpopProofError)) throw error;
    const nonce = error.code === 'use_dpop_nonce' ? nonces?.next() : undefined;
    return refusal(error.code, error.message, 'DPoP', nonce);
  }
  return valid;
}
