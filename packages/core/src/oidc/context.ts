import type { TenantAddress } from '@gatehouse/base';
import * as oauth from 'oauth4webapi';

/**
 * What every protocol step of `oidc/` shares: the request options of one client, the context a
 * token-endpoint call needs, and how a tenant's OAuth error is read. Each step is a request
 * function and a process function over these (the oauth4webapi split), so every rule can be
 * tested on a crafted `Response`.
 */

/** Options every oauth4webapi request of one client shares. */
export interface TenantHttp {
  readonly [oauth.customFetch]?: typeof fetch;
  readonly [oauth.allowInsecureRequests]?: boolean;
  readonly signal: () => AbortSignal;
}

/** Builds the request options: timeout, custom fetch, and http only for a loopback tenant. */
export function tenantHttp(
  address: TenantAddress,
  timeoutMs: number,
  customFetch?: typeof fetch,
): TenantHttp {
  return {
    ...(customFetch ? { [oauth.customFetch]: customFetch } : {}),
    ...(address.insecure ? { [oauth.allowInsecureRequests]: true } : {}),
    signal: () => AbortSignal.timeout(timeoutMs),
  };
}

/** What a call to the tenant's endpoints needs. */
export interface TenantContext {
  as: oauth.AuthorizationServer;
  client: oauth.Client;
  clientAuth: oauth.ClientAuth;
  http: TenantHttp;
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
