import * as oauth from 'oauth4webapi';
import { type IdTokenClaims, verifyIdToken } from './id-token.js';
import type { Tenant } from './tenant.js';
import { withoutIdToken } from './token-response.js';

/** The tokens of a grant, its ID token verified. */
export interface GrantTokens {
  accessToken: string;
  /** `Bearer` (or `N_A` for a session transfer token). */
  tokenType: string;
  /** Seconds since the epoch. */
  expiresAt: number;
  scope: string | undefined;
  refreshToken: string | undefined;
  idToken: string | undefined;
  /** The verified ID token's claims, when there was one. */
  claims: IdTokenClaims | undefined;
  /** The whole token response (without `id_token`), for fields a flow reads itself. */
  response: oauth.TokenEndpointResponse;
}

/**
 * A token-endpoint grant that signs a user in without a browser (token exchange, CIBA,
 * passwordless): sent with the client's authentication, its response's shape checked by
 * oauth4webapi, and its ID token, when one comes back, through the one ID-token check (no `nonce`:
 * no authorization request carried one). The tenant's OAuth errors are thrown as oauth4webapi's
 * `ResponseBodyError`, for the flow to turn into its own typed error.
 *
 * @param now Seconds since the epoch.
 */
export async function tokenGrant(
  tenant: Tenant,
  grantType: string,
  parameters: URLSearchParams,
  now: number,
  options: {
    recognizedTokenTypes?: oauth.ProcessTokenResponseOptions['recognizedTokenTypes'];
    /** Extra request headers, e.g. `auth0-forwarded-for`. */
    headers?: Record<string, string>;
  } = {},
): Promise<GrantTokens> {
  const context = await tenant.context();
  const response = await oauth.genericTokenEndpointRequest(
    context.as,
    context.client,
    context.clientAuth,
    grantType,
    parameters,
    options.headers ? { ...context.http, headers: options.headers } : context.http,
  );
  const parted = await withoutIdToken(response);
  const tokens = await oauth.processGenericTokenEndpointResponse(
    context.as,
    context.client,
    parted.response,
    options.recognizedTokenTypes ? { recognizedTokenTypes: options.recognizedTokenTypes } : {},
  );
  const claims =
    parted.idToken === undefined
      ? undefined
      : await verifyIdToken(tenant.keys, tenant.idTokens, parted.idToken, {
          issuer: context.as.issuer,
          now,
        });
  return {
    accessToken: tokens.access_token,
    tokenType:
      tokens.token_type === 'n_a' ? 'N_A' : tokens.token_type === 'dpop' ? 'DPoP' : 'Bearer',
    expiresAt: now + (tokens.expires_in ?? 3600),
    scope: tokens.scope,
    refreshToken: tokens.refresh_token,
    idToken: typeof parted.idToken === 'string' ? parted.idToken : undefined,
    claims,
    response: tokens,
  };
}

/** The `Retry-After` of a tenant's refusal, in whole seconds (a number or an HTTP date). */
export function retryAfterOf(cause: unknown): number | undefined {
  const response =
    cause instanceof oauth.ResponseBodyError
      ? cause.response
      : cause instanceof Response
        ? cause
        : undefined;
  const value = response?.headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d{1,6}$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}
