import {
  AccessTokenForConnectionError,
  connectionTokenRequest,
  fetchableUrl,
  processConnectionTokenResponse,
  REFRESH_TOKEN_TYPE,
} from '@gatehouse/base';
import type { ConnectionTokenSet } from '../session/model.js';
import type { Tenant } from './tenant.js';

/** Which upstream token to get. */
export interface ConnectionTokenRequest {
  connection: string;
  loginHint: string | undefined;
}

/**
 * Exchanges the session's refresh token for an upstream provider's access token (Auth0 Token
 * Vault), through the request/process pair `@gatehouse/base` shares with APIs, authenticated as
 * the app authenticates every other grant.
 *
 * @param now Seconds since the epoch, for `expiresAt`.
 */
export async function requestConnectionToken(
  tenant: Tenant,
  refreshToken: string,
  request: ConnectionTokenRequest,
  now: number,
): Promise<ConnectionTokenSet> {
  const { as, clientAuth } = await tenant.context();
  let tokenEndpoint: URL;
  try {
    tokenEndpoint = fetchableUrl(as.token_endpoint);
  } catch (cause) {
    throw new AccessTokenForConnectionError(
      'retrieval_error',
      `The tenant advertises no usable token_endpoint: ${(cause as Error).message}`,
      { cause },
    );
  }
  const response = await connectionTokenRequest(
    {
      issuer: as.issuer,
      tokenEndpoint,
      clientId: tenant.client.client_id,
      authenticate: clientAuth,
    },
    {
      connection: request.connection,
      subjectToken: refreshToken,
      subjectTokenType: REFRESH_TOKEN_TYPE,
      loginHint: request.loginHint,
    },
    tenant.httpPolicy,
  );
  const token = await processConnectionTokenResponse(response, now);
  return {
    connection: request.connection,
    ...(request.loginHint ? { loginHint: request.loginHint } : {}),
    accessToken: token.accessToken,
    ...(token.scope ? { scope: token.scope } : {}),
    // Computed from expires_in here, once: the Python SDK recomputes it later from a missing field,
    // so its cache never hits.
    expiresAt: token.expiresAt,
  };
}
