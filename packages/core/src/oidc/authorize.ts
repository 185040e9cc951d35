import * as oauth from 'oauth4webapi';
import { OidcError } from '../errors.js';
import { type TenantContext, tenantErrorOf } from './context.js';

/** Parameters a caller may not override at login: the SDK owns them. */
const RESERVED_PARAMS = new Set([
  'client_id',
  'response_type',
  'code_challenge',
  'code_challenge_method',
  'state',
  'nonce',
  'scope',
  'request_uri',
]);

/** What one login attempt sends to `/authorize`, beside the app's own parameters. */
export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  /** The complete scope, `openid` included. */
  scope: string;
  state: string;
  nonce: string;
  /** The S256 PKCE challenge of the transaction's verifier (RFC 7636 §4.2). */
  codeChallenge: string;
}

/**
 * The `/authorize` parameters of one login attempt (OpenID Connect Core §3.1.2.1, RFC 7636): the
 * app's parameters, configured then per call (strings, numbers and booleans; objects such as a
 * per-audience `scope` map are not parameters), under the protocol's own, which the app cannot
 * override. Pure, so every rule is a row of a table test.
 *
 * @example
 * authorizationParameters([{ audience: 'https://api' }, { screen_hint: 'signup' }], request)
 */
export function authorizationParameters(
  appParameters: ReadonlyArray<Readonly<Record<string, unknown>>>,
  request: AuthorizationRequest,
): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(Object.assign({}, ...appParameters))) {
    if (value === undefined || value === null || RESERVED_PARAMS.has(name)) continue;
    if (typeof value === 'object' || typeof value === 'function') continue;
    params.set(name, String(value));
  }
  params.set('client_id', request.clientId);
  params.set('response_type', 'code');
  params.set('redirect_uri', request.redirectUri);
  params.set('scope', request.scope);
  params.set('state', request.state);
  params.set('nonce', request.nonce);
  params.set('code_challenge', request.codeChallenge);
  params.set('code_challenge_method', 'S256');
  return params;
}

/** The URL of the tenant's `/authorize` with these parameters. */
export function authorizationUrl(as: oauth.AuthorizationServer, params: URLSearchParams): URL {
  if (!as.authorization_endpoint) {
    throw new OidcError('discovery_error', 'The tenant advertises no authorization_endpoint.');
  }
  const url = new URL(as.authorization_endpoint);
  for (const [name, value] of params) url.searchParams.set(name, value);
  return url;
}

/**
 * Pushes the authorization parameters to the tenant (RFC 9126) and returns the short `/authorize`
 * URL that refers to them.
 */
export async function pushAuthorizationRequest(
  context: TenantContext,
  params: URLSearchParams,
): Promise<URL> {
  const { as, client, clientAuth, http } = context;
  if (!as.pushed_authorization_request_endpoint) {
    throw new OidcError(
      'par_not_supported',
      'Pushed Authorization Requests were asked for, but the tenant does not offer them.',
    );
  }
  let result: oauth.PushedAuthorizationResponse;
  try {
    const response = await oauth.pushedAuthorizationRequest(as, client, clientAuth, params, http);
    result = await oauth.processPushedAuthorizationResponse(as, client, response);
  } catch (cause) {
    throw new OidcError(
      'par_error',
      `The pushed authorization request failed: ${(cause as Error).message}`,
      tenantErrorOf(cause),
      { cause },
    );
  }
  return authorizationUrl(
    as,
    new URLSearchParams({ client_id: client.client_id, request_uri: result.request_uri }),
  );
}
