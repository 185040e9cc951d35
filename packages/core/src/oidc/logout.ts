import type { TenantAddress } from '@gatehouse/base';
import type * as oauth from 'oauth4webapi';

/**
 * The tenant's logout URL: OpenID Connect RP-Initiated Logout at `end_session_endpoint` when the
 * tenant advertises it, else Auth0's `/v2/logout`. `returnTo` must be one of the application's
 * allowed logout URLs at the tenant.
 */
export function logoutUrl(
  as: oauth.AuthorizationServer,
  address: TenantAddress,
  clientId: string,
  returnTo: string | undefined,
): URL {
  if (as.end_session_endpoint) {
    const url = new URL(as.end_session_endpoint);
    url.searchParams.set('client_id', clientId);
    if (returnTo) url.searchParams.set('post_logout_redirect_uri', returnTo);
    return url;
  }
  const url = new URL('/v2/logout', address.origin);
  url.searchParams.set('client_id', clientId);
  if (returnTo) url.searchParams.set('returnTo', returnTo);
  return url;
}
