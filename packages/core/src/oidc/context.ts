import * as oauth from 'oauth4webapi';
import type { TenantAddress } from '../options.js';

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
