import { AccessTokenForConnectionError } from './errors.js';
import { type HttpError, type HttpPolicy, readJsonObject, send } from './jwks/http.js';

/** Auth0's Token Vault grant: an access token for this API in, an upstream provider's token out. */
export const TOKEN_VAULT_GRANT_TYPE =
  'urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token';
/** The token type Token Vault issues. */
export const FEDERATED_CONNECTION_TOKEN_TYPE =
  'http://auth0.com/oauth/token-type/federated-connection-access-token';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/** Options of `getAccessTokenForConnection`. */
export interface AccessTokenForConnectionOptions {
  /** The connection of the upstream provider, e.g. `google-oauth2`. */
  connection: string;
  /** The access token the API received (already verified by the API). */
  accessToken: string;
  /** Which upstream account, when the user connected several (e.g. an email). */
  loginHint?: string;
}

/** An upstream provider's access token from Token Vault. */
export interface ConnectionToken {
  accessToken: string;
  /** Expiry, seconds since the epoch: `now + expires_in` (3600 when the tenant gives none, as Python). */
  expiresAt: number;
  /** Scopes granted upstream, when the tenant says. */
  scope: string | undefined;
}

/** The application credentials Token Vault authenticates. */
export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

/** `application/x-www-form-urlencoded` encoding of a Basic credential part (RFC 6749 §2.3.1). */
const formEncode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');

/**
 * Sends the Token Vault exchange to the token endpoint, with HTTP Basic client authentication.
 * Validate the response with {@link processConnectionTokenResponse}.
 */
export async function connectionTokenRequest(
  tokenEndpoint: URL,
  client: ClientCredentials,
  options: AccessTokenForConnectionOptions,
  http: HttpPolicy,
): Promise<Response> {
  const body = new URLSearchParams({
    grant_type: TOKEN_VAULT_GRANT_TYPE,
    subject_token: options.accessToken,
    subject_token_type: ACCESS_TOKEN_TYPE,
    requested_token_type: FEDERATED_CONNECTION_TOKEN_TYPE,
    connection: options.connection,
  });
  if (options.loginHint) body.set('login_hint', options.loginHint);
  const credentials = `${formEncode(client.clientId)}:${formEncode(client.clientSecret)}`;
  try {
    return await send(tokenEndpoint, http, {
      method: 'POST',
      headers: {
        accept: 'application/json',
        authorization: `Basic ${Buffer.from(credentials).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body,
    });
  } catch (cause) {
    throw new AccessTokenForConnectionError('connection_token_request_failed', {
      message: (cause as Error).message,
      cause,
    });
  }
}

const invalidResponse = (message: string, cause?: unknown) =>
  new AccessTokenForConnectionError('connection_token_invalid_response', { message, cause });

/**
 * Validates a Token Vault response (RFC 6749 §5.1, §5.2): on 200, a JSON object with a non-empty
 * `access_token`, a non-negative `expires_in` when present, a string `scope` when present, and the
 * federated token type when `issued_token_type` is given; otherwise the tenant's `error`.
 *
 * @param now Seconds since the epoch, for `expiresAt`.
 */
export async function processConnectionTokenResponse(
  response: Response,
  now: number,
  maxBytes = 65_536,
): Promise<ConnectionToken> {
  if (response.status >= 300 && response.status < 400) {
    await response.body?.cancel().catch(() => undefined);
    throw invalidResponse(`The token endpoint answered with a redirect (${response.status})`);
  }
  let body: Record<string, unknown>;
  try {
    body = await readJsonObject(response, maxBytes);
  } catch (cause) {
    throw invalidResponse(
      `The token endpoint answered HTTP ${response.status} with ${(cause as HttpError).message}`,
      cause,
    );
  }
  if (response.status !== 200) {
    const error = typeof body.error === 'string' ? body.error : undefined;
    const description =
      typeof body.error_description === 'string' ? body.error_description : undefined;
    if (!error) throw invalidResponse(`The token endpoint answered HTTP ${response.status}`);
    throw new AccessTokenForConnectionError('connection_token_rejected', {
      message: `Token Vault refused the exchange: ${error}${description ? ` (${description})` : ''}`,
      tenantError: error,
      tenantErrorDescription: description,
    });
  }
  const { access_token, expires_in, scope, issued_token_type } = body;
  if (typeof access_token !== 'string' || access_token === '') {
    throw invalidResponse('The token response has no access_token');
  }
  if (
    expires_in !== undefined &&
    (typeof expires_in !== 'number' || !Number.isFinite(expires_in) || expires_in < 0)
  ) {
    throw invalidResponse('The token response has an invalid expires_in');
  }
  if (scope !== undefined && typeof scope !== 'string') {
    throw invalidResponse('The token response has an invalid scope');
  }
  if (issued_token_type !== undefined && issued_token_type !== FEDERATED_CONNECTION_TOKEN_TYPE) {
    throw invalidResponse('The token response has another issued_token_type');
  }
  return {
    accessToken: access_token,
    expiresAt: Math.floor(now) + (expires_in ?? 3600),
    scope,
  };
}
