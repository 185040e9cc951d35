import type { IssuerKeys } from '@gatehouse/base';
import * as oauth from 'oauth4webapi';
import { AuthorizationError, DpopError, IdTokenValidationError, OidcError } from '../errors.js';
import type { TransactionData } from '../stores/types.js';
import { type TenantContext, tenantErrorOf } from './context.js';
import { type IdTokenClaims, type IdTokenPolicy, verifyIdToken } from './id-token.js';
import { withoutIdToken } from './token-response.js';

/** What a successful callback yields. */
export interface CodeExchangeResult {
  tokens: oauth.TokenEndpointResponse;
  /** The verified ID token's claims. */
  claims: IdTokenClaims;
}

/**
 * Validates the authorization response (`state`, and `iss` when the tenant advertises RFC 9207),
 * turning `error=` into an {@link AuthorizationError}.
 */
export function validateCallback(
  context: Pick<TenantContext, 'as' | 'client'>,
  url: URL,
  transaction: TransactionData,
): URLSearchParams {
  try {
    return oauth.validateAuthResponse(
      context.as,
      context.client,
      url.searchParams,
      transaction.state,
    );
  } catch (cause) {
    if (cause instanceof oauth.AuthorizationResponseError) {
      throw new AuthorizationError(cause.error, cause.error_description);
    }
    throw new OidcError(
      'invalid_callback',
      `The callback is not valid: ${(cause as Error).message}`,
      undefined,
      { cause },
    );
  }
}

/** Sends the authorization code grant (RFC 6749 §4.1.3) with the transaction's PKCE verifier. */
export async function codeExchangeRequest(
  context: TenantContext,
  callbackParams: URLSearchParams,
  transaction: TransactionData,
): Promise<Response> {
  const { as, client, clientAuth, http } = context;
  try {
    return await oauth.authorizationCodeGrantRequest(
      as,
      client,
      clientAuth,
      callbackParams,
      transaction.redirectUri,
      transaction.codeVerifier,
      http,
    );
  } catch (cause) {
    // DPoP's own refusals (a downgrade, no key for a tenant that requires one) say what to fix.
    if (cause instanceof DpopError) throw cause;
    throw new OidcError(
      'token_exchange_error',
      `The code exchange request failed: ${(cause as Error).message}`,
      undefined,
      { cause },
    );
  }
}

/** What checking an ID token needs: the tenant's keys and the client's policy. */
export interface IdTokenVerifier {
  keys: IssuerKeys;
  idTokens: IdTokenPolicy;
}

/**
 * Validates the code exchange's response: its shape (oauth4webapi), then its ID token, which must
 * be there, through the one ID-token check with the transaction's `nonce` and `max_age`.
 *
 * @param now Seconds since the epoch.
 */
export async function processCodeExchangeResponse(
  context: Pick<TenantContext, 'as' | 'client'>,
  verifier: IdTokenVerifier,
  response: Response,
  transaction: TransactionData,
  now: number,
): Promise<CodeExchangeResult> {
  const { as, client } = context;
  const parted = await withoutIdToken(response);
  let tokens: oauth.TokenEndpointResponse;
  try {
    tokens = await oauth.processAuthorizationCodeResponse(as, client, parted.response);
  } catch (cause) {
    throw new OidcError(
      'token_exchange_error',
      `The tenant's token response was refused: ${(cause as Error).message}`,
      tenantErrorOf(cause),
      { cause },
    );
  }
  if (parted.idToken === undefined) {
    throw new IdTokenValidationError('format', 'the tenant returned no ID token');
  }
  const claims = await verifyIdToken(verifier.keys, verifier.idTokens, parted.idToken, {
    issuer: as.issuer,
    now,
    nonce: transaction.nonce,
    maxAge: transaction.maxAge,
  });
  return { tokens: { ...tokens, id_token: parted.idToken as string }, claims };
}
