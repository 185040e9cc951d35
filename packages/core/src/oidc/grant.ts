import * as oauth from 'oauth4webapi';
import { Auth0Error } from '../errors.js';
import { tenantErrorOf } from './context.js';
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
  /**
   * The whole token response (without `id_token`), for fields a flow reads itself. (Declared
   * here, not as oauth4webapi's type: this package's CommonJS types must import nothing ESM-only.)
   */
  response: Readonly<Record<string, unknown>> & { readonly expires_in?: number | undefined };
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

/** How a flow builds its error: code, message, the tenant's `Retry-After`, the cause. */
export type GrantErrorFactory = (
  code: string,
  message: string,
  retryAfter: number | undefined,
  options: { cause: unknown },
) => Auth0Error;

/**
 * A failed grant as the flow's typed error: the SDK's own errors (the ID token's check, DPoP) as
 * they are; the tenant's refusal with its `error` as the code (and its `Retry-After`); a response
 * that is not a token response as `invalid_response`; anything else (the network) as `failed`.
 */
export function grantError(
  cause: unknown,
  build: GrantErrorFactory,
  failed: { code: string; message: string },
): Auth0Error {
  if (cause instanceof Auth0Error) return cause;
  const details = tenantErrorOf(cause);
  if (details?.error) {
    return build(
      details.error,
      details.errorDescription ?? `The tenant answered ${details.error}.`,
      retryAfterOf(cause),
      { cause },
    );
  }
  const invalid = cause instanceof oauth.OperationProcessingError;
  return build(
    invalid ? 'invalid_response' : failed.code,
    `${failed.message}: ${(cause as Error).message}`,
    undefined,
    { cause },
  );
}

/** The token response of a grant that signs a user in, as a session is made of it. */
export function sessionTokensOf(tokens: GrantTokens & { idToken: string }) {
  return {
    access_token: tokens.accessToken,
    token_type: tokens.tokenType,
    expires_in: tokens.response.expires_in,
    scope: tokens.scope,
    refresh_token: tokens.refreshToken,
    id_token: tokens.idToken,
  };
}
