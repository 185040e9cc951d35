import type { AsymmetricAlgorithm, Logger, ReplayStore } from '@gatehouse/base';
import type { DpopMode } from './challenge.js';
import type { DpopNonceSource } from './dpop/nonce.js';
import type { DomainsResolver } from './issuers.js';
import type { AccessTokenClaims } from './jwt/claims.js';
import type { ResourceMetadataOptions } from './resource-metadata.js';

/**
 * A check of your own, run after the signature and the standard claims are verified. Return
 * `false` or throw to refuse the token (`claim_validation_failed`). It can only add constraints:
 * nothing switches off the `iss`, `aud` and `exp` checks.
 *
 * @example
 * const validators: ClaimValidator[] = [(claims) => claims.org_id === 'org_123'];
 */
export type ClaimValidator = (
  claims: Readonly<AccessTokenClaims>,
  header: Readonly<Record<string, unknown>>,
) => boolean | undefined | Promise<boolean | undefined>;

/** DPoP (RFC 9449) settings. */
export interface DpopOptions {
  /**
   * `allowed`: Bearer and DPoP tokens; `required`: DPoP only (RFC 9449 §7.1); `disabled`: Bearer
   * only. Default `allowed`, as auth0-api-python.
   */
  mode?: DpopMode;
  /**
   * Algorithms accepted for proofs, advertised in the challenge's `algs` (RFC 9449 §7.1).
   * Asymmetric only. Default `['ES256', 'EdDSA', 'PS256', 'RS256']`.
   */
  algorithms?: AsymmetricAlgorithm[];
  /**
   * The proof `iat` window in seconds (RFC 9449 §4.3 check 11, §11.1): `maxAge` is how old a proof
   * may be (default 300), `leeway` how far ahead of our clock (default 30), as auth0-api-python's
   * `dpop_iat_offset` and `dpop_iat_leeway`.
   */
  iatWindow?: { maxAge?: number; leeway?: number };
  /**
   * Require server-provided nonces (RFC 9449 §9): `true` for a per-process source, or a
   * {@link DpopNonceSource} shared by every instance (see `createDpopNonceSource`). Default off.
   */
  nonce?: boolean | DpopNonceSource;
  /**
   * Where the `jti`s of accepted proofs are remembered (RFC 9449 §11.1). Default: a bounded
   * in-memory store for this process; share one (e.g. Redis) across instances.
   */
  replayStore?: ReplayStore;
}

/** Caching of the tenant's discovery document and keys, and of verified tokens. Seconds. */
export interface CacheOptions {
  /** Ceiling on the freshness of discovery and JWKS, and the freshness when `Cache-Control` says nothing. Default 600. */
  maxAge?: number;
  /** Floor on the freshness `Cache-Control: max-age` may ask for (Auth0 sends 15 s). Default 60. */
  minAge?: number;
  /** How long after going stale the last-known-good keys serve while the tenant is unreachable. Default 3600. */
  staleIfError?: number;
  /** After a failed fetch, how long before the next attempt (failures are not retried per request). Default 30. */
  failureBackoff?: number;
  /** Least time between two JWKS refetches caused by an unknown `kid`. Default 5. */
  refetchCooldown?: number;
  /** Most JWKS refetches caused by unknown `kid`s per issuer per minute. Default 6. */
  refetchesPerMinute?: number;
  /** Most unknown `kid`s remembered per issuer, so repeats fail without a refetch. Default 1,000. */
  unknownKeyIds?: number;
  /** How long an unknown `kid` is remembered. Default 30. */
  unknownKeyIdTtl?: number;
  /** Most issuers with cached keys (matters with a `domains` resolver). Default 100. */
  maxIssuers?: number;
  /**
   * Most verified tokens remembered, keyed by the whole token, never past their `exp` (or
   * `maxTokenAge`), dropped when their key leaves the JWKS. Scopes, required claims, validators and
   * DPoP proofs are checked again on every call. 0 turns the cache off. Default 0.
   */
  verifiedTokens?: number;
}

/** Options of `new ApiClient(options)`. */
export interface ApiClientOptions {
  /**
   * The tenant: a host such as `tenant.auth0.com` (https is assumed) or an origin; plain http only
   * for loopback hosts (the local dev tenant). Its issuer is `https://{domain}/`. Needed for
   * `getAccessTokenForConnection`. At least one of `domain` and `domains` is required.
   */
  domain?: string;
  /**
   * Several tenants or custom domains: a list, or a resolver deciding per request (auth0-api-python's
   * multiple custom domains). When given, it decides which issuers verification accepts; `domain`
   * still serves Token Vault. A token's `iss` outside it is refused before any request.
   */
  domains?: readonly string[] | DomainsResolver;
  /** The API identifier(s): a token must list one of them in `aud` (RFC 7519 §4.1.3). Required. */
  audience: string | readonly string[];
  /**
   * Signing algorithms accepted for access tokens (RFC 8725 §3.1). Asymmetric only: `none` and
   * `HS*` are refused here and in tokens. Default `['RS256']`, what Auth0 signs with.
   */
  algorithms?: AsymmetricAlgorithm[];
  /** Seconds of clock skew allowed on `exp`, `nbf` and `iat` (RFC 7519 §4.1.4). Default 5. */
  clockTolerance?: number;
  /** Seconds after `iat` a token stops being accepted, whatever its `exp`. Default: no limit. */
  maxTokenAge?: number;
  /**
   * RFC 9068 profile: `typ` must be `at+jwt`, and `sub`, `client_id` and `jti` are required
   * (RFC 9068 §2.1, §2.2, §4). Default false.
   */
  strict?: boolean;
  /** Checks of your own, run in order after the standard ones. Default none. */
  validators?: ClaimValidator[];
  /** Longest token accepted, in characters; checked before any decoding. Default 16,384. */
  maxTokenLength?: number;
  /** `realm` of the `WWW-Authenticate` challenges (RFC 6750 §3). Default `api`. */
  realm?: string;
  /** DPoP settings (RFC 9449). */
  dpop?: DpopOptions;
  /** Caching of keys and tokens. */
  cache?: CacheOptions;
  /** Client id of this API's Auth0 application, for Token Vault. Needs `clientSecret` and `domain`. */
  clientId?: string;
  /** Client secret of that application; sent with HTTP Basic (RFC 6749 §2.3.1). */
  clientSecret?: string;
  /** The fetch used for every request to the tenant (proxies, tracing). Default global fetch. */
  fetch?: typeof fetch;
  /** Milliseconds before a request to the tenant is aborted. Default 5,000. */
  httpTimeout?: number;
  /** Largest response read from the tenant, in bytes. Default 65,536. */
  maxResponseBytes?: number;
  /**
   * RFC 9728 protected-resource metadata: when set, `client.protectedResourceMetadata()` builds the
   * document and every challenge carries `resource_metadata=` (RFC 9728 §5.1).
   */
  resourceMetadata?: ResourceMetadataOptions;
  /** Where decisions are logged. Default: nowhere. */
  logger?: Logger;
  /** The clock, in milliseconds since the epoch. For tests and simulations. Default `Date.now`. */
  now?: () => number;
}
