import type { Context } from 'koa';
import type { AccessToken, ClientCredentials, KoaContextWithOIDC } from 'oidc-provider';
import type { DevApiConfig } from '../config.js';
import { findApi, type TenantState } from '../tenant-state.js';
import { tokenError } from '../token-errors.js';
import { type DpopProof, DpopProofError, verifyDpopProof } from './proof.js';

/** What a token request for an API that requires DPoP, without a proof, is answered. */
export const DPOP_REQUIRED_BODY = {
  error: 'invalid_request',
  error_description: 'DPoP proof is required for this API',
} as const;

/** Whether tokens for the API `audience` names must be DPoP-bound (`apis[].dpop: 'required'`). */
export function dpopRequiredFor(state: TenantState, audience: string | undefined): boolean {
  return audience !== undefined && findApi(state, audience)?.dpop === 'required';
}

const dpopRequired = () =>
  tokenError(DPOP_REQUIRED_BODY.error, DPOP_REQUIRED_BODY.error_description);

const checked = new WeakMap<object, Promise<DpopProof | undefined>>();

/**
 * The `DPoP` proof of a token request that one of the tenant's own grants handles (token
 * exchange, the MFA grants, Token Vault, ...), checked once per request as oidc-provider checks
 * those of its grants: `htm` POST, `htu` this domain's token endpoint, a recent `iat` or a current
 * nonce, and a `jti` not seen before (in the replay store oidc-provider's grants use, per client).
 * Undefined without a proof; a bad one is refused with 400 `invalid_dpop_proof`, a missing or old
 * nonce with 400 `use_dpop_nonce` and the nonce to use in `DPoP-Nonce`.
 */
export function tokenRequestProof(
  state: TenantState,
  ctx: KoaContextWithOIDC,
): Promise<DpopProof | undefined> {
  let proof = checked.get(ctx);
  if (!proof) {
    proof = checkTokenRequestProof(state, ctx);
    checked.set(ctx, proof);
  }
  return proof;
}

async function checkTokenRequestProof(
  state: TenantState,
  ctx: KoaContextWithOIDC,
): Promise<DpopProof | undefined> {
  const header = ctx.get('dpop');
  if (!header) return undefined;
  const nonces = state.dpopNonces;
  const clientId = ctx.oidc.client?.clientId ?? '';
  try {
    const proof = await verifyDpopProof({
      proof: header,
      method: ctx.method,
      url: ctx.oidc.urlFor('token'),
      nonces,
      unique: (jti, expiresAt) =>
        ctx.oidc.provider.ReplayDetection.unique(clientId, jti, expiresAt),
    });
    return proof;
  } catch (error) {
    if (!(error instanceof DpopProofError)) throw error;
    if (error.code === 'use_dpop_nonce' && nonces) ctx.set('DPoP-Nonce', nonces.next());
    throw tokenError(error.code, error.message);
  }
}

/** How a custom grant's access token is bound: to the key of the request's proof, if any. */
export interface AccessTokenBinding {
  /** The proof key's thumbprint (`cnf.jkt`), or none for a `Bearer` token. */
  jkt: string | undefined;
  /** Binds the token (its `token_type` is then `DPoP`); does nothing without a proof. */
  apply(token: AccessToken | ClientCredentials): void;
}

/**
 * The binding of the access token a custom grant is about to issue for `api` (or for `/userinfo`
 * without one): its request's proof checked, and refused with 400 `invalid_request` "DPoP proof is
 * required for this API" when the API requires DPoP and there is none. The one place where the
 * tenant's own grants bind tokens (`issueGrantTokens`, the MFA grants); oidc-provider binds those
 * of its grants itself. Called before anything is issued, so a refusal leaves nothing behind.
 */
export async function accessTokenBinding(
  state: TenantState,
  ctx: KoaContextWithOIDC,
  api: DevApiConfig | undefined,
): Promise<AccessTokenBinding> {
  const proof = await tokenRequestProof(state, ctx);
  if (!proof && api?.dpop === 'required') throw dpopRequired();
  const jkt = proof?.thumbprint;
  return {
    jkt,
    apply(token) {
      if (jkt) token.setThumbprint('jkt', jkt);
    },
  };
}

/**
 * The last guard, run as each access token for an API is signed (oidc-provider's
 * `extraTokenClaims`): a token for an API that requires DPoP is never issued unbound, whatever
 * grant asked for it. The grants refuse such requests before this, when nothing is spent yet.
 */
export function assertBoundWhenRequired(
  state: TenantState,
  token: AccessToken | ClientCredentials,
): void {
  const audience = token.resourceServer?.identifier();
  if (!token.jkt && dpopRequiredFor(state, audience)) throw dpopRequired();
}

/**
 * Binds the refresh token a response issues to the key its access token was bound to, so that a
 * refresh of a DPoP-bound login needs a proof of the same key (oidc-provider refuses it otherwise
 * with `invalid_grant`; rotated refresh tokens keep the binding). oidc-provider binds refresh
 * tokens of public clients only (RFC 9449 §5: a confidential client's are bound to its
 * credentials); the tenant binds those of every client, so that a stolen refresh token and client
 * secret still need the key. Runs after the grant, before the response leaves.
 */
export function bindIssuedRefreshToken(state: TenantState, ctx: Context): void {
  const oidcContext = (ctx as unknown as Partial<KoaContextWithOIDC>).oidc;
  const body = ctx.body as Record<string, unknown> | undefined;
  const jkt = oidcContext?.entities?.AccessToken?.jkt;
  const value = body?.refresh_token;
  // A refresh keeps the binding its refresh token has (or has not): a proof on the refresh of an
  // unbound login binds that access token, not the login.
  if (oidcContext?.params?.grant_type === 'refresh_token') return;
  if (ctx.status !== 200 || !jkt || typeof value !== 'string') return;
  const stored = state.storage.get('RefreshToken', value);
  if (stored && !stored.jkt) state.storage.replace('RefreshToken', value, { ...stored, jkt });
}
