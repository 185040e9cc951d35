import { createRemoteJWKSet, customFetch } from 'jose';
import type * as oauth from 'oauth4webapi';
import type { ClientCredential, TenantAddress } from '../options.js';
import { clientAuthentication } from './client-auth.js';
import { Discovery } from './discovery.js';
import { type TenantHttp, tenantHttp } from './http.js';
import type { TenantContext } from './refresh.js';

/** Options of {@link Tenant}. */
export interface TenantOptions {
  address: TenantAddress;
  clientId: string;
  credential: ClientCredential;
  /** Milliseconds per request. */
  timeoutMs: number;
  fetch?: typeof fetch;
}

/**
 * The tenant this client talks to: its address, discovery document (fetched once), client
 * authentication, JWKS caches and request options, shared by every flow.
 */
export class Tenant {
  readonly address: TenantAddress;
  readonly client: oauth.Client;
  readonly http: TenantHttp;
  /** oauth4webapi's JWKS cache for ID-token signatures; refetched when the tenant rotates keys. */
  readonly jwksCache: oauth.JWKSCacheInput = {};
  readonly fetch: typeof fetch | undefined;
  readonly #discovery: Discovery;
  readonly #clientAuth: () => Promise<oauth.ClientAuth>;
  #logoutKeys: ReturnType<typeof createRemoteJWKSet> | undefined;

  constructor(options: TenantOptions) {
    this.address = options.address;
    this.client = { client_id: options.clientId };
    this.fetch = options.fetch;
    this.http = tenantHttp(options.address, options.timeoutMs, options.fetch);
    this.#discovery = new Discovery(new URL(options.address.issuer), this.http);
    this.#clientAuth = clientAuthentication(options.credential);
  }

  /** The discovery document (cached; a failure is retried on the next call). */
  metadata(): Promise<oauth.AuthorizationServer> {
    return this.#discovery.get();
  }

  clientAuth(): Promise<oauth.ClientAuth> {
    return this.#clientAuth();
  }

  /** Everything a token-endpoint call needs. */
  async context(): Promise<TenantContext> {
    return {
      as: await this.metadata(),
      client: this.client,
      clientAuth: await this.clientAuth(),
      http: this.http,
    };
  }

  /** The tenant's signing keys for logout tokens, from its `jwks_uri`. */
  logoutKeys(jwksUri: string): ReturnType<typeof createRemoteJWKSet> {
    this.#logoutKeys ??= createRemoteJWKSet(new URL(jwksUri), {
      ...(this.fetch ? { [customFetch]: this.fetch } : {}),
    });
    return this.#logoutKeys;
  }
}
