import * as oauth from 'oauth4webapi';
import { OidcError } from '../errors.js';
import type { TenantHttp } from './http.js';

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
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  clientAuth: oauth.ClientAuth,
  params: URLSearchParams,
  http: TenantHttp,
): Promise<URL> {
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

/** The tenant's `error` and `error_description`, when an oauth4webapi error carries them. */
export function tenantErrorOf(
  cause: unknown,
): { error?: string; errorDescription?: string } | undefined {
  if (
    cause instanceof oauth.ResponseBodyError ||
    cause instanceof oauth.AuthorizationResponseError
  ) {
    return { error: cause.error, errorDescription: cause.error_description };
  }
  return undefined;
}
