import {
  DEFAULT_KEY_POLICY,
  type HttpPolicy,
  IssuerKeys,
  issuerMetadataOf,
  type Logger,
  type TenantAddress,
} from '@gatehouse/base';
import type * as oauth from 'oauth4webapi';
import { MyAccountClient } from '../my-account/my-account-client.js';
import type { ClientCredential } from '../options.js';
import { clientAuthentication } from './client-auth.js';
import { type TenantContext, type TenantHttp, tenantHttp } from './context.js';
import { Discovery } from './discovery.js';
import type { DpopProofs } from './dpop.js';
import { tokenEndpointFetch } from './dpop-fetch.js';
import type { IdTokenPolicy } from './id-token.js';

/** Options of {@link Tenant}. */
export interface TenantOptions {
  address: TenantAddress;
  clientId: string;
  credential: ClientCredential;
  idTokens: IdTokenPolicy;
  /** Milliseconds per request. */
  timeoutMs: number;
  fetch?: typeof fetch | undefined;
  logger?: Logger | undefined;
  /** The app's DPoP proofs: token requests are DPoP-bound when given. */
  dpop?: DpopProofs | undefined;
}

/** Largest response read from the tenant by our own HTTP client (keys, Token Vault). */
const MAX_RESPONSE_BYTES = 65_536;

/**
 * The tenant this client talks to: its address, discovery document (fetched once), client
 * authentication, signing keys and request options, shared by every flow.
 */
export class Tenant {
  readonly address: TenantAddress;
  readonly client: oauth.Client;
  /** Request options of oauth4webapi calls. */
  readonly http: TenantHttp;
  /** Request options of `@gatehouse/base` calls (keys, Token Vault): the same timeout and fetch. */
  readonly httpPolicy: HttpPolicy;
  /**
   * The tenant's signing keys for ID and logout tokens: the key cache APIs use too, so a key
   * rotation is picked up by the first token signed with the new key (SECURITY.md rule 16).
   */
  readonly keys: IssuerKeys;
  /** How every ID token of this client is checked, at login and on refresh. */
  readonly idTokens: IdTokenPolicy;
  /** The My Account API of this domain (connected accounts). */
  readonly myAccount: MyAccountClient;
  /** The app's DPoP proofs, when it has a key. */
  readonly dpop: DpopProofs | undefined;
  readonly #discovery: Discovery;
  readonly #clientAuth: () => Promise<oauth.ClientAuth>;
  readonly #bodyClientAuth: () => Promise<oauth.ClientAuth>;

  constructor(options: TenantOptions) {
    this.address = options.address;
    this.idTokens = options.idTokens;
    this.dpop = options.dpop;
    // Every request to the tenant goes through one fetch, which binds token requests with DPoP
    // (and refuses a token type that is not the one asked for).
    const base = options.fetch ?? ((input, init) => fetch(input, init));
    const tenantFetch = tokenEndpointFetch(
      base,
      options.dpop,
      async () => URL.parse((await this.metadata()).token_endpoint ?? '')?.href,
    );
    this.myAccount = new MyAccountClient(
      options.address.origin,
      base,
      options.timeoutMs,
      options.dpop,
    );
    this.client = { client_id: options.clientId };
    this.http = tenantHttp(options.address, options.timeoutMs, tenantFetch);
    this.httpPolicy = {
      fetch: tenantFetch,
      timeout: options.timeoutMs,
      maxResponseBytes: MAX_RESPONSE_BYTES,
    };
    this.#discovery = new Discovery(new URL(options.address.issuer), this.http);
    this.#clientAuth = clientAuthentication(options.credential);
    const { credential } = options;
    this.#bodyClientAuth =
      credential.method === 'client_secret_basic'
        ? clientAuthentication({ ...credential, method: 'client_secret_post' })
        : this.#clientAuth;
    this.keys = new IssuerKeys(options.address.issuer, {
      policy: DEFAULT_KEY_POLICY,
      http: this.httpPolicy,
      now: Date.now,
      logger: options.logger,
      // The discovery document this client reads anyway: one fetch, not two.
      discover: async (issuer) => ({
        value: issuerMetadataOf(
          (await this.metadata()) as unknown as Record<string, unknown>,
          issuer,
        ),
        maxAge: undefined,
      }),
    });
  }

  /** The discovery document (cached; a failure is retried on the next call). */
  metadata(): Promise<oauth.AuthorizationServer> {
    return this.#discovery.get();
  }

  clientAuth(): Promise<oauth.ClientAuth> {
    return this.#clientAuth();
  }

  /**
   * The client authentication, in the request body: for Auth0 endpoints that take credentials only
   * there (`/mfa/challenge`). A secret goes as `client_secret`, a private key as an assertion.
   */
  bodyClientAuth(): Promise<oauth.ClientAuth> {
    return this.#bodyClientAuth();
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
}
