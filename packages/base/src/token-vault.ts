import { AccessTokenForConnectionError } from './errors.js';
import { type HttpError, type HttpPolicy, readJsonObject, send } from './http.js';

/**
 * Auth0 Token Vault (federated connection access tokens): the one request/process pair that web
 * apps (`@gatehouse/core`, trading the session's refresh token) and APIs (`@gatehouse/api`, trading
 * the access token they received) both use.
 */

/** Auth0's Token Vault grant: a token of the user in, an upstream provider's token out. */
export const TOKEN_VAULT_GRANT_TYPE =
  'urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token';
/** The token type Token Vault issues. */
export const FEDERATED_CONNECTION_TOKEN_TYPE =
  'http://auth0.com/oauth/token-type/federated-connection-access-token';

/** The subject token types Token Vault takes (RFC 8693 §3): a web app's refresh token… */
export const REFRESH_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:refresh_token';
/** …or the access token an API received. */
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/**
 * One Token Vault exchange. A web app trades the session's refresh token; an API trades the access
 * token it received (already verified).
 */
export interface ConnectionTokenExchange {
  /** The connection of the upstream provider, e.g. `google-oauth2`. */
  connection: string;
  /** The token traded in. */
  subjectToken: string;
  /** Its type: {@link REFRESH_TOKEN_TYPE} or {@link ACCESS_TOKEN_TYPE}. */
  subjectTokenType: typeof REFRESH_TOKEN_TYPE | typeof ACCESS_TOKEN_TYPE;
  /** Which upstream account, when the user connected several (e.g. an email). */
  loginHint?: string | undefined;
}

/** An upstream provider's access token from Token Vault. */
export interface ConnectionToken {
  accessToken: string;
  /** Expiry, seconds since the epoch: `now + expires_in` (3600 when the tenant gives none, as Python). */
  expiresAt: number;
  /** Scopes granted upstream, when the tenant says. */
  scope: string | undefined;
}

/**
 * Authenticates the client on a token-endpoint request by adding to its body or headers. The shape
 * of oauth4webapi's `ClientAuth`, so a web app passes the one it uses for every other grant
 * (`client_secret_basic`, `private_key_jwt`); an API uses {@link clientSecretBasic}.
 */
export type ClientAuthentication = (
  as: { issuer: string; token_endpoint?: string },
  client: { client_id: string },
  body: URLSearchParams,
  headers: Headers,
) => void | Promise<void>;

/** `application/x-www-form-urlencoded` encoding of a Basic credential part (RFC 6749 §2.3.1). */
const formEncode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');

/** `client_secret_basic` (RFC 6749 §2.3.1): the id and secret, form-encoded, in HTTP Basic. */
export function clientSecretBasic(clientSecret: string): ClientAuthentication {
  return (_as, client, _body, headers) => {
    const credentials = `${formEncode(client.client_id)}:${formEncode(clientSecret)}`;
    headers.set('authorization', `Basic ${Buffer.from(credentials).toString('base64')}`);
  };
}

/** Who asks: the tenant's issuer and token endpoint, and the client with its authentication. */
export interface TokenEndpointClient {
  issuer: string;
  tokenEndpoint: URL;
  clientId: string;
  authenticate: ClientAuthentication;
}

/**
 * Sends the Token Vault exchange to the token endpoint. Validate the response with
 * {@link processConnectionTokenResponse}. A request that cannot be sent is a `retrieval_error`.
 */
export async function connectionTokenRequest(
  client: TokenEndpointClient,
  exchange: ConnectionTokenExchange,
  http: HttpPolicy,
): Promise<Response> {
  const body = new URLSearchParams({
    grant_type: TOKEN_VAULT_GRANT_TYPE,
    subject_token: exchange.subjectToken,
    subject_token_type: exchange.subjectTokenType,
    requested_token_type: FEDERATED_CONNECTION_TOKEN_TYPE,
    connection: exchange.connection,
  });
  if (exchange.loginHint) body.set('login_hint', exchange.loginHint);
  try {
    return await tokenEndpointRequest(client, body, http);
  } catch (cause) {
    throw new AccessTokenForConnectionError(
      'retrieval_error',
      `The Token Vault request for connection ${exchange.connection} failed: ${(cause as Error).message}`,
      { cause },
    );
  }
}

/**
 * POSTs a grant's form to the token endpoint, authenticated as `client`, asking for JSON. Throws
 * what sending throws; the caller turns it into its own error.
 */
export async function tokenEndpointRequest(
  client: TokenEndpointClient,
  body: URLSearchParams,
  http: HttpPolicy,
): Promise<Response> {
  const headers = new Headers({
    accept: 'application/json',
    'content-type': 'application/x-www-form-urlencoded',
  });
  await client.authenticate(
    { issuer: client.issuer, token_endpoint: client.tokenEndpoint.href },
    { client_id: client.clientId },
    body,
    headers,
  );
  return send(client.tokenEndpoint, http, { method: 'POST', headers, body });
}

const invalidResponse = (message: string, cause?: unknown) =>
  new AccessTokenForConnectionError('retrieval_error', message, { cause });

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
    throw new AccessTokenForConnectionError(
      'api_error',
      `Token Vault refused the exchange: ${error}${description ? ` (${description})` : ''}`,
      { tenantError: error, tenantErrorDescription: description },
    );
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
