import * as oauth from 'oauth4webapi';
import { AccessTokenForConnectionError } from '../errors.js';
import type { ConnectionTokenSet } from '../session/model.js';
import { tenantErrorOf } from './authorize.js';
import type { TenantContext } from './refresh.js';

/** Auth0's Token Vault grant type. */
export const TOKEN_VAULT_GRANT_TYPE =
  'urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token';
const FEDERATED_TOKEN_TYPE = 'http://auth0.com/oauth/token-type/federated-connection-access-token';
const REFRESH_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:refresh_token';

/** Which upstream token to get. */
export interface ConnectionTokenRequest {
  connection: string;
  loginHint: string | undefined;
}

/** Exchanges the session's refresh token for an upstream provider's access token (Token Vault). */
export async function connectionTokenRequest(
  context: TenantContext,
  refreshToken: string,
  request: ConnectionTokenRequest,
): Promise<Response> {
  const parameters: Record<string, string> = {
    subject_token: refreshToken,
    subject_token_type: REFRESH_TOKEN_TYPE,
    requested_token_type: FEDERATED_TOKEN_TYPE,
    connection: request.connection,
  };
  if (request.loginHint) parameters.login_hint = request.loginHint;
  try {
    return await oauth.genericTokenEndpointRequest(
      context.as,
      context.client,
      context.clientAuth,
      TOKEN_VAULT_GRANT_TYPE,
      parameters,
      context.http,
    );
  } catch (cause) {
    throw new AccessTokenForConnectionError(
      'retrieval_error',
      `The Token Vault request failed: ${(cause as Error).message}`,
      undefined,
      { cause },
    );
  }
}

/** Validates a Token Vault response into a connection token set. */
export async function processConnectionTokenResponse(
  context: TenantContext,
  response: Response,
  request: ConnectionTokenRequest,
  now: number,
): Promise<ConnectionTokenSet> {
  let tokens: oauth.TokenEndpointResponse;
  try {
    tokens = await oauth.processGenericTokenEndpointResponse(context.as, context.client, response);
  } catch (cause) {
    const details = tenantErrorOf(cause);
    throw new AccessTokenForConnectionError(
      details ? 'api_error' : 'retrieval_error',
      `Could not get an access token for connection ${request.connection}: ${details?.errorDescription ?? details?.error ?? (cause as Error).message}`,
      details,
      { cause },
    );
  }
  return {
    connection: request.connection,
    ...(request.loginHint ? { loginHint: request.loginHint } : {}),
    accessToken: tokens.access_token,
    ...(tokens.scope ? { scope: tokens.scope } : {}),
    // Computed from expires_in here, once: the Python SDK recomputes it later from a missing field,
    // so its cache never hits.
    expiresAt: now + (tokens.expires_in ?? 3600),
  };
}
