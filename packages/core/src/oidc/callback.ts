import * as oauth from 'oauth4webapi';
import { AuthorizationError, OidcError } from '../errors.js';
import type { TransactionData } from '../stores/types.js';
import { tenantErrorOf } from './authorize.js';
import type { TenantHttp } from './http.js';

/** What a successful callback yields. */
export interface CodeExchangeResult {
  tokens: oauth.TokenEndpointResponse;
  /** The verified ID token's claims. */
  claims: oauth.IDToken;
}

/** Everything the code exchange needs besides the callback URL. */
export interface CodeExchangeContext {
  as: oauth.AuthorizationServer;
  client: oauth.Client;
  clientAuth: oauth.ClientAuth;
  http: TenantHttp;
  /** Shared JWKS cache so the tenant's keys are fetched once, and again after a rotation. */
  jwksCache: oauth.JWKSCacheInput;
}

/**
 * Validates the authorization response (`state`, and `iss` when the tenant advertises RFC 9207),
 * turning `error=` into an {@link AuthorizationError}.
 */
export function validateCallback(
  context: Pick<CodeExchangeContext, 'as' | 'client'>,
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

/**
 * Exchanges the authorization code and verifies the ID token: its signature against the tenant's
 * JWKS, and `iss`, `aud`, `azp`, `exp`, `iat` and `nonce` (OpenID Connect Core §3.1.3.7).
 */
export async function exchangeCode(
  context: CodeExchangeContext,
  callbackParams: URLSearchParams,
  transaction: TransactionData,
): Promise<CodeExchangeResult> {
  const { as, client, clientAuth, http } = context;
  let response: Response;
  try {
    response = await oauth.authorizationCodeGrantRequest(
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
  try {
    await oauth.validateApplicationLevelSignature(as, response, {
      ...http,
      [oauth.jwksCache]: context.jwksCache,
    });
  } catch (cause) {
    throw new OidcError(
      'id_token_validation_error',
      `The ID token's signature is not valid: ${(cause as Error).message}`,
      undefined,
      { cause },
    );
  }
  const claims = oauth.getValidatedIdTokenClaims(tokens);
  if (!claims) throw new OidcError('id_token_validation_error', 'The tenant returned no ID token.');
  return { tokens, claims };
}
