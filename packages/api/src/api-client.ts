import { AccessTokenVerifier } from './access-token.js';
import { buildChallenges, type RequestScheme } from './challenge.js';
import {
  AccessTokenForConnectionError,
  AuthError,
  ConfigurationError,
  InsufficientScopeError,
  InvalidRequestError,
  MissingRequiredArgumentError,
  VerifyAccessTokenError,
} from './errors.js';
import { KeyStore } from './jwks/issuer-keys.js';
import type { AccessTokenClaims } from './jwt/claims.js';
import type { ApiClientOptions } from './options.js';
import { headerValues, type RequestHeaders } from './request.js';
import { type ResolvedOptions, resolveOptions } from './resolve-options.js';
import {
  buildProtectedResourceMetadata,
  type ProtectedResourceMetadata,
} from './resource-metadata.js';
import { hasScopes, type ScopeMatch, scopeList } from './scopes.js';
import { MUST_WAIT, runAsync, runSync, type Steps } from './steps.js';
import {
  type AccessTokenForConnectionOptions,
  type ConnectionToken,
  connectionTokenRequest,
  processConnectionTokenResponse,
} from './token-vault.js';
import {
  type VerifiedRequest,
  type VerifyRequestOptions,
  verifyRequestCredentials,
} from './verify-request.js';

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
  readonly #verifier: AccessTokenVerifier;
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
    this.#verifier = new AccessTokenVerifier({
      algorithms: resolved.algorithms,
      claims: resolved.claims,
      maxTokenLength: resolved.maxTokenLength,
      validators: resolved.validators,
      issuers: resolved.issuers,
      keys: this.#keys,
      verifiedTokens: resolved.verifiedTokens,
      now: resolved.now,
    });
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
   */
  async verifyAccessToken(options: VerifyAccessTokenOptions): Promise<AccessTokenClaims> {
    try {
      if (this.#options.dpop.mode === 'required') {
        // No proof comes with a bare token, so under `required` no token can pass here.
        throw new InvalidRequestError('invalid_auth_scheme', {
          message: 'This API accepts DPoP-bound tokens only: verify requests with verifyRequest',
        });
      }
      const { claims } = await this.#verifier.verify(options?.accessToken, {
        requiredClaims: options?.requiredClaims ?? [],
        request: {},
      });
      if (claims.cnf?.jkt !== undefined) throw new VerifyAccessTokenError('dpop_bound_token');
      this.#checkScopes(claims, options?.scopes, options?.scopeMatch);
      return claims;
    } catch (error) {
      throw this.#challenged(error, undefined);
    }
  }

  /**
   * Verifies a request: the token from `Authorization` (Bearer or DPoP; never the query string),
   * the DPoP proof per RFC 9449 when there is one, and the scopes asked for. Errors carry their
   * status (400, 401, 403) and `WWW-Authenticate` (and `DPoP-Nonce`) headers.
   *
   * @example
   * const { claims } = await api.verifyRequest({ headers: req.headers, method: req.method, url: `https://api.example.com${req.url}`, scopes: 'read:orders' });
   */
  async verifyRequest(options: VerifyRequestOptions): Promise<VerifiedRequest> {
    try {
      return await runAsync(this.#requestSteps(options));
    } catch (error) {
      throw this.#challenged(error, schemeOf(options?.headers));
    }
  }

  /**
   * {@link verifyRequest} without waiting, for framework integrations that can then go on with the
   * request in the same tick: the verified request when no I/O is needed (the usual case: fresh
   * keys, a fixed `domain`, no custom validator, no DPoP proof to record), `undefined` when
   * something must be waited for, and then `verifyRequest` does it all. Refusals throw here, with
   * the same errors `verifyRequest` rejects with.
   *
   * @example
   * const verified = api.tryVerifyRequest(request) ?? (await api.verifyRequest(request));
   */
  tryVerifyRequest(options: VerifyRequestOptions): VerifiedRequest | undefined {
    try {
      const verified = runSync(this.#requestSteps(options));
      return verified === MUST_WAIT ? undefined : verified;
    } catch (error) {
      throw this.#challenged(error, schemeOf(options?.headers));
    }
  }

  *#requestSteps(options: VerifyRequestOptions): Steps<VerifiedRequest> {
    if (!options?.headers) throw new MissingRequiredArgumentError('headers');
    const flow = { options: this.#options, verifier: this.#verifier };
    const verified = yield* verifyRequestCredentials(flow, options);
    this.#checkScopes(verified.claims, options.scopes, options.scopeMatch);
    return verified;
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
      this.#checkScopes(verified.claims, scopes, match);
    } catch (error) {
      throw this.#challenged(error, verified.scheme);
    }
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
   * `clientSecret`.
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
      throw new AccessTokenForConnectionError('connection_token_request_failed', {
        message: `The tenant's discovery document is unavailable: ${(cause as Error).message}`,
        cause,
      });
    }
    if (!tokenEndpoint) {
      throw new AccessTokenForConnectionError('connection_token_request_failed', {
        message: 'The tenant advertises no token_endpoint',
      });
    }
    const response = await connectionTokenRequest(tokenEndpoint, client, options, http);
    return processConnectionTokenResponse(response, now() / 1000, http.maxResponseBytes);
  }

  /** Counters of the caches: to watch memory and traffic, and to test their bounds. */
  stats(): ApiClientStats {
    const { issuers, keys, unknownKeyIds, fetches } = this.#keys.stats();
    return { issuers, keys, unknownKeyIds, fetches, verifiedTokens: this.#verifier.cachedTokens };
  }

  #checkScopes(
    claims: AccessTokenClaims,
    scopes: string | readonly string[] | undefined,
    match: ScopeMatch | undefined,
  ): void {
    if (scopes === undefined) return;
    if (!hasScopes(claims, scopes, match)) throw new InsufficientScopeError(scopeList(scopes));
  }

  /**
   * Gives an error the challenge this client sends (realm, DPoP mode, `resource_metadata`), the
   * error on the scheme the request used. Anything unexpected becomes an `invalid_token` error
   * rather than escaping as a 500 with a stack (reference pitfall §4.2.13).
   */
  #challenged(error: unknown, scheme: RequestScheme | undefined): AuthError {
    const authError =
      error instanceof AuthError
        ? error
        : new VerifyAccessTokenError('verification_failed', {
            message: 'Unexpected error while verifying the access token',
            cause: error,
          });
    this.#options.logger?.debug(
      { code: authError.code, status: authError.status },
      'gatehouse/api: access refused',
    );
    if (!authError.headers['www-authenticate']) return authError;
    authError.headers = {
      ...authError.headers,
      'www-authenticate': buildChallenges(
        this.#options.challenge,
        {
          error: authError.error,
          description: authError.description,
          scope: authError instanceof InsufficientScopeError ? authError.scopes : undefined,
        },
        scheme,
      ),
    };
    return authError;
  }
}

/** The scheme of the `Authorization` header, when it names one we know; for placing the error. */
function schemeOf(headers: RequestHeaders | undefined): RequestScheme | undefined {
  try {
    const scheme = headers && headerValues(headers, 'authorization')[0]?.trim().split(' ')[0];
    const name = scheme?.toLowerCase();
    return name === 'bearer' || name === 'dpop' ? name : undefined;
  } catch {
    // Headers that cannot be read were already turned into an error; it just goes on Bearer.
    return undefined;
  }
}
