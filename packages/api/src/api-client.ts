import {
  ACCESS_TOKEN_TYPE,
  AccessTokenForConnectionError,
  ConfigurationError,
  type ConnectionToken,
  clientSecretBasic,
  connectionTokenRequest,
  KeyStore,
  MissingRequiredArgumentError,
  processConnectionTokenResponse,
} from '@gatehouse/base';
import { buildChallenges, type RequestScheme } from './challenge.js';
import { InsufficientScopeError, InvalidRequestError } from './errors.js';
import type { AccessTokenClaims } from './jwt/claims.js';
import type { ApiClientOptions } from './options.js';
import { refusalOf } from './refusal.js';
import type { RequestHeaders } from './request.js';
import { type ResolvedOptions, resolveOptions } from './resolve-options.js';
import {
  buildProtectedResourceMetadata,
  type ProtectedResourceMetadata,
} from './resource-metadata.js';
import { checkScopes, type ScopeMatch } from './scopes.js';
import { MUST_WAIT, runAsync, runSync, type Steps } from './steps.js';
import {
  type ExchangedToken,
  processTokenExchangeResponse,
  TokenExchangeError,
  type TokenExchangeRequest,
  tokenExchangeRequest,
} from './token-exchange.js';
import { TokenVerifier } from './token-verifier.js';
import {
  type VerificationKit,
  type VerifiedRequest,
  type VerifyRequestOptions,
  verification,
} from './verification.js';

/** Options of `getAccessTokenForConnection`. */
export interface AccessTokenForConnectionOptions {
  /** The connection of the upstream provider, e.g. `google-oauth2`. */
  connection: string;
  /** The access token the API received (already verified by the API). */
  accessToken: string;
  /** Which upstream account, when the user connected several (e.g. an email). */
  loginHint?: string;
}

/** Internal: the verification pipeline of a client, for `RouteGuard` to drive. */
export const kVerification: unique symbol = Symbol('gatehouse.verification');
/** Internal: gives a refusal made outside the pipeline this client's challenge. */
export const kRefusal: unique symbol = Symbol('gatehouse.refusal');

/** Options of {@link ApiClient.verifyAccessToken}. */
export interface VerifyAccessTokenOptions {
  /** The access token, without the `Bearer ` prefix. */
  accessToken: string;
  /** Claims the token must carry (present, any value), as auth0-api-python's `required_claims`. */
  requiredClaims?: readonly string[];
  /** Scopes the token must grant (`scope` or `permissions`); otherwise 403 `insufficient_scope`. */
  scopes?: string | readonly string[];
  /** `all` scopes (default) or `any` one of them. */
  scopeMatch?: ScopeMatch;
  /**
   * The request the token came with, for a `domains` resolver only: its `url` and `headers` are
   * the resolver's `requestUrl` and `requestHeaders` (both undefined without it). Nothing else
   * reads them: the token is `accessToken`, never the request's `Authorization` header.
   */
  request?: {
    /** The absolute URL the client called, e.g. `https://api.example.com/orders`. */
    url?: string | URL;
    /** The request headers, e.g. to choose the domains by `Host`. */
    headers?: RequestHeaders;
  };
}

/** Counters of the client's caches, to watch memory and traffic. */
export interface ApiClientStats {
  /** Issuers with cached keys. */
  issuers: number;
  /** Signing keys held, over all issuers. */
  keys: number;
  /** Unknown `kid`s remembered, over all issuers. */
  unknownKeyIds: number;
  /** Discovery and JWKS requests made to tenants so far (issuers still cached). */
  fetches: number;
  /** Tokens in the verified-token cache. */
  verifiedTokens: number;
}

/**
 * Verifies access tokens for an API protected by Auth0: the TypeScript counterpart of
 * auth0-api-python's `ApiClient`. Framework-free: errors carry the HTTP status and headers to send.
 *
 * @example
 * const api = new ApiClient({ domain: 'tenant.auth0.com', audience: 'https://api.example.com' });
 * const { claims } = await api.verifyRequest({ headers: req.headers, method: req.method, url });
 */
export class ApiClient {
  readonly #options: ResolvedOptions;
  readonly #keys: KeyStore;
  readonly #kit: VerificationKit;
  readonly #metadata: ProtectedResourceMetadata | undefined;

  /** Checks every option; a {@link ConfigurationError} names the one at fault. */
  constructor(options: ApiClientOptions) {
    const resolved = resolveOptions(options);
    this.#options = resolved;
    this.#keys = new KeyStore(
      {
        policy: resolved.keyPolicy,
        http: resolved.http,
        now: resolved.now,
        logger: resolved.logger,
      },
      resolved.maxIssuers,
    );
    const verifier = new TokenVerifier(
      {
        algorithms: resolved.algorithms,
        claims: resolved.claims,
        maxTokenLength: resolved.maxTokenLength,
        verifiedTokens: resolved.verifiedTokens,
        now: resolved.now,
      },
      this.#keys,
    );
    this.#kit = { options: resolved, verifier, keys: this.#keys };
    const metadata = resolved.resourceMetadata;
    this.#metadata = metadata
      ? buildProtectedResourceMetadata(
          {
            ...metadata,
            authorizationServers: metadata.authorizationServers ?? resolved.issuers.fixed?.slice(),
          },
          {
            enabled: resolved.dpop.mode !== 'disabled',
            required: resolved.dpop.mode === 'required',
            algorithms: resolved.challenge.dpopAlgorithms,
          },
        )
      : undefined;
  }

  /**
   * Verifies an access token: resolves to its claims or throws a {@link VerifyAccessTokenError}
   * (401) carrying the `WWW-Authenticate` value to send. A DPoP-bound token (`cnf.jkt`) is refused
   * here, since no proof comes with it, and so is every token when `dpop.mode` is `required`:
   * verify those with {@link verifyRequest}.
   *
   * @example
   * const claims = await api.verifyAccessToken({ accessToken, requiredClaims: ['org_id'] });
   * // with a domains resolver that chooses by the request:
   * await api.verifyAccessToken({ accessToken, request: { url, headers: req.headers } });
   */
  async verifyAccessToken(options: VerifyAccessTokenOptions): Promise<AccessTokenClaims> {
    const token = options?.accessToken;
    if (typeof token !== 'string' || token === '') {
      throw refusalOf(new MissingRequiredArgumentError('accessToken'), this.#options, undefined);
    }
    if (this.#options.dpop.mode === 'required') {
      // No proof comes with a bare token, so under `required` no token can pass here.
      const error = new InvalidRequestError('invalid_auth_scheme', {
        message: 'This API accepts DPoP-bound tokens only: verify requests with verifyRequest',
      });
      throw refusalOf(error, this.#options, undefined);
    }
    const { scopes, scopeMatch, requiredClaims, request } = options;
    const verified = await runAsync(
      verification(this.#kit, {
        request: { scopes, scopeMatch, requiredClaims, url: request?.url },
        credentials: { scheme: 'bearer', token, proofs: [] },
        resolverHeaders: request?.headers,
      }),
    );
    return verified.claims;
  }

  /**
   * Verifies a request: the token from `Authorization` (Bearer or DPoP; never the query string),
   * the DPoP proof per RFC 9449 when there is one, and the scopes asked for. Errors carry their
   * status (400, 401, 403) and `WWW-Authenticate` (and `DPoP-Nonce`) headers.
   *
   * @example
   * const { claims } = await api.verifyRequest({ headers: req.headers, method: req.method, url: `https://api.example.com${req.url}`, scopes: 'read:orders' });
   */
  verifyRequest(options: VerifyRequestOptions): Promise<VerifiedRequest> {
    return runAsync(this[kVerification](options));
  }

  /**
   * {@link verifyRequest} without waiting: the verified request when no I/O is needed (the usual
   * case: fresh keys, a fixed `domain`, no custom validator, no DPoP proof to record), `undefined`
   * when something must be waited for, and then `verifyRequest` does it all. Refusals throw here,
   * with the same errors `verifyRequest` rejects with.
   *
   * @example
   * const verified = api.tryVerifyRequest(request) ?? (await api.verifyRequest(request));
   */
  tryVerifyRequest(options: VerifyRequestOptions): VerifiedRequest | undefined {
    const verified = runSync(this[kVerification](options));
    return verified === MUST_WAIT ? undefined : verified;
  }

  /** The verification pipeline for one request (see `steps.ts`): for `RouteGuard` to drive. */
  [kVerification](options: VerifyRequestOptions): Steps<VerifiedRequest> {
    return verification(this.#kit, { request: options });
  }

  /**
   * Checks scopes after verification, e.g. per route: throws an {@link InsufficientScopeError}
   * (403, `scope=` in the challenge) when the token lacks them.
   *
   * @example
   * api.requireScopes(verified, ['write:orders']);
   */
  requireScopes(
    verified: { claims: AccessTokenClaims; scheme?: RequestScheme },
    scopes: string | readonly string[],
    match: ScopeMatch = 'all',
  ): void {
    try {
      checkScopes(verified.claims, scopes, match);
    } catch (error) {
      throw refusalOf(error, this.#options, verified.scheme);
    }
  }

  /**
   * Gives a refusal made outside the pipeline (e.g. by a route's claim check) this client's
   * challenge, on the scheme the request used.
   */
  [kRefusal](error: unknown, scheme: RequestScheme | undefined): Error {
    return refusalOf(error, this.#options, scheme);
  }

  /**
   * The `WWW-Authenticate` value for a 401 without an error, e.g. for a route that found no
   * credentials by other means.
   */
  challenge(): string {
    return buildChallenges(this.#options.challenge, undefined);
  }

  /** Fetches the discovery documents and keys of the configured issuers, so the first request does not wait. */
  async warmUp(): Promise<void> {
    const issuers = this.#options.issuers.fixed ?? [];
    await Promise.all(issuers.map((issuer) => this.#keys.forIssuer(issuer).warmUp()));
  }

  /**
   * The RFC 9728 protected-resource metadata document to serve at its well-known URL, built from
   * `resourceMetadata` (undefined when that option is not set).
   */
  protectedResourceMetadata(): ProtectedResourceMetadata | undefined {
    return this.#metadata && structuredClone(this.#metadata);
  }

  /**
   * Exchanges the API's access token for an upstream provider's token through Auth0 Token Vault,
   * as auth0-api-python's `get_access_token_for_connection`. Needs `domain`, `clientId` and
   * `clientSecret`. Failures are an {@link AccessTokenForConnectionError}: `api_error` when the
   * tenant refused (its `error` in `tenantError`), `retrieval_error` when the exchange failed.
   *
   * @example
   * const { accessToken } = await api.getAccessTokenForConnection({ connection: 'google-oauth2', accessToken: verified.token });
   */
  async getAccessTokenForConnection(
    options: AccessTokenForConnectionOptions,
  ): Promise<ConnectionToken> {
    const { client, domainIssuer, http, now } = this.#options;
    if (!client || !domainIssuer) {
      throw new ConfigurationError(
        'clientId',
        'getAccessTokenForConnection needs domain, clientId and clientSecret.',
      );
    }
    if (!options?.connection) throw new MissingRequiredArgumentError('connection');
    if (!options.accessToken) throw new MissingRequiredArgumentError('accessToken');
    let tokenEndpoint: URL | undefined;
    try {
      tokenEndpoint = (await this.#keys.forIssuer(domainIssuer).metadata()).tokenEndpoint;
    } catch (cause) {
      throw new AccessTokenForConnectionError(
        'retrieval_error',
        `The tenant's discovery document is unavailable: ${(cause as Error).message}`,
        { cause },
      );
    }
    if (!tokenEndpoint) {
      throw new AccessTokenForConnectionError(
        'retrieval_error',
        'The tenant advertises no token_endpoint',
      );
    }
    const response = await connectionTokenRequest(
      {
        issuer: domainIssuer,
        tokenEndpoint,
        clientId: client.clientId,
        authenticate: clientSecretBasic(client.clientSecret),
      },
      {
        connection: options.connection,
        subjectToken: options.accessToken,
        subjectTokenType: ACCESS_TOKEN_TYPE,
        loginHint: options.loginHint,
      },
      http,
    );
    return processConnectionTokenResponse(response, now() / 1000, http.maxResponseBytes);
  }

  /**
   * Custom token exchange (RFC 8693): trades a token for one for `audience`, as an exchange
   * profile at the tenant allows, authenticated with `clientId` and `clientSecret`.
   *
   * @example
   * const { accessToken } = await api.getTokenByExchangeProfile({ subjectToken, subjectTokenType: 'urn:acme:legacy-token', audience: 'https://billing.example.com' });
   */
  async getTokenByExchangeProfile(options: TokenExchangeRequest): Promise<ExchangedToken> {
    const { client, domainIssuer, http, now } = this.#options;
    if (!client || !domainIssuer) {
      throw new ConfigurationError(
        'clientId',
        'token exchange needs domain, clientId and clientSecret.',
      );
    }
    if (!options?.subjectToken) throw new MissingRequiredArgumentError('subjectToken');
    if (!options.subjectTokenType) throw new MissingRequiredArgumentError('subjectTokenType');
    let tokenEndpoint: URL | undefined;
    try {
      tokenEndpoint = (await this.#keys.forIssuer(domainIssuer).metadata()).tokenEndpoint;
    } catch (cause) {
      throw new TokenExchangeError(
        'token_exchange_failed',
        `The tenant's discovery document is unavailable: ${(cause as Error).message}`,
        { cause },
      );
    }
    if (!tokenEndpoint) {
      throw new TokenExchangeError(
        'token_exchange_failed',
        'The tenant advertises no token_endpoint',
      );
    }
    const response = await tokenExchangeRequest(
      {
        issuer: domainIssuer,
        tokenEndpoint,
        clientId: client.clientId,
        authenticate: clientSecretBasic(client.clientSecret),
      },
      options,
      http,
    );
    return processTokenExchangeResponse(response, now() / 1000, http.maxResponseBytes);
  }

  /**
   * On behalf of the user: exchanges the access token this API received (verified already) for
   * one for a downstream API. The new token names the same user, and its `act` claim this API
   * (read it with `actorChain`).
   *
   * @example
   * const { accessToken } = await api.getTokenOnBehalfOf({ accessToken: verified.token, audience: 'https://reports.example.com' });
   */
  getTokenOnBehalfOf(options: {
    accessToken: string;
    audience: string;
    scope?: string;
  }): Promise<ExchangedToken> {
    if (!options?.accessToken) throw new MissingRequiredArgumentError('accessToken');
    return this.getTokenByExchangeProfile({
      subjectToken: options.accessToken,
      subjectTokenType: ACCESS_TOKEN_TYPE,
      audience: options.audience,
      scope: options.scope,
    });
  }

  /** Counters of the caches: to watch memory and traffic, and to test their bounds. */
  stats(): ApiClientStats {
    const { issuers, keys, unknownKeyIds, fetches } = this.#keys.stats();
    return {
      issuers,
      keys,
      unknownKeyIds,
      fetches,
      verifiedTokens: this.#kit.verifier.cachedTokens,
    };
  }
}
