import type { IssuerKeys } from '@gatehouse/base';
import * as oauth from 'oauth4webapi';
import { AuthorizationError, OidcError } from '../errors.js';
import type { TransactionData } from '../stores/types.js';
import { type TenantContext, tenantErrorOf } from './context.js';
import { idTokenAlgorithms, verifyTenantSignature } from './id-token.js';

/** What a successful callback yields. */
export interface CodeExchangeResult {
  tokens: oauth.TokenEndpointResponse;
  /** The verified ID token's claims. */
  claims: oauth.IDToken;
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
    throw new OidcError(
      'token_exchange_error',
      `The code exchange request failed: ${(cause as Error).message}`,
      undefined,
      { cause },
    );
  }
}

/**
 * Validates the code exchange's response and its ID token: the signature against the tenant's
 * published keys (the shared key cache) with an algorithm the tenant advertises, and `iss`, `aud`,
 * `azp`, `exp`, `iat` and `nonce` (OpenID Connect Core §3.1.3.7).
 */
export async function processCodeExchangeResponse(
  context: Pick<TenantContext, 'as' | 'client'>,
  keys: IssuerKeys,
  response: Response,
  transaction: TransactionData,
): Promise<CodeExchangeResult> {
  const { as, client } = context;
  let tokens: oauth.TokenEndpointResponse;
  try {
    tokens = await oauth.processAuthorizationCodeResponse(as, client, response, {
      expectedNonce: transaction.nonce ?? oauth.expectNoNonce,
      requireIdToken: true,
    });
  } catch (cause) {
    const details = tenantErrorOf(cause);
    const code = details ? 'token_exchange_error' : 'id_token_validation_error';
    throw new OidcError(
      code,
      `The tenant's token response was refused: ${(cause as Error).message}`,
      details,
      { cause },
    );
  }
  const claims = oauth.getValidatedIdTokenClaims(tokens);
  if (!claims || !tokens.id_token) {
    throw new OidcError('id_token_validation_error', 'The tenant returned no ID token.');
  }
  try {
    await verifyTenantSignature(keys, tokens.id_token, idTokenAlgorithms(as));
  } catch (cause) {
    throw new OidcError(
      'id_token_validation_error',
      `The ID token's signature is not valid: ${(cause as Error).message}`,
      undefined,
      { cause },
    );
  }
  return { tokens, claims };
}
