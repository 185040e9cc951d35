import * as oauth from 'oauth4webapi';
import { OidcError } from '../errors.js';
import type { TenantHttp } from './context.js';

/**
 * The tenant's OpenID Connect discovery document, fetched on first use and cached. Concurrent
 * callers share one request; a failure is not cached, so the next call tries again.
 */
export class Discovery {
  #pending: Promise<oauth.AuthorizationServer> | undefined;

  constructor(
    private readonly issuer: URL,
    private readonly http: TenantHttp,
  ) {}

  get(): Promise<oauth.AuthorizationServer> {
    this.#pending ??= this.#fetch().catch((error: unknown) => {
      this.#pending = undefined;
      throw error;
    });
    return this.#pending;
  }

  async #fetch(): Promise<oauth.AuthorizationServer> {
    try {
      const response = await oauth.discoveryRequest(this.issuer, {
        ...this.http,
        algorithm: 'oidc',
      });
      return await oauth.processDiscoveryResponse(this.issuer, response);
    } catch (cause) {
      throw new OidcError(
        'discovery_error',
        `Could not load the tenant's discovery document from ${this.issuer.href}: ${(cause as Error).message}`,
        undefined,
        { cause },
      );
    }
  }
}
