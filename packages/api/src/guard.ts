import { ConfigurationError, isInOrganization, requestUrl } from '@gatehouse/base';
import { type ApiClient, kRefusal, kVerification } from './api-client.js';
import type { RequestScheme } from './challenge.js';
import { MissingAuthorizationError, VerifyAccessTokenError } from './errors.js';
import type { AccessTokenClaims } from './jwt/claims.js';
import { refusalBody } from './refusal.js';
import type { RequestHeaders } from './request.js';
import { type ScopeMatch, scopeList } from './scopes.js';
import { drive } from './steps.js';
import type { VerifiedRequest, VerifyRequestOptions } from './verification.js';

export { type ErrorMode, errorModeOf } from '@gatehouse/base';
export { credentialHeaders, type NodeRequestLike } from './credential-headers.js';
export { refusalBody };

/**
 * `@gatehouse/api/guard`: route protection without a framework, the kit `@gatehouse/express` and
 * `@gatehouse/fastify` share (as `@gatehouse/core/web` is for web sessions), so both verify, refuse
 * and check scopes and claims in exactly the same way. Each adapter only reads its request and
 * writes its response: an answer is any `Auth0Error` with a `status` (send `status`, `headers` and
 * {@link refusalBody}); any other error goes to the framework's error handling.
 */

/** What a framework integration puts on the request (`req.accessToken`) once the token verified. */
export interface VerifiedAccessToken {
  /** The access token as sent, e.g. for Token Vault (`api.getAccessTokenForConnection`). */
  token: string;
  /** Its verified claims. */
  claims: AccessTokenClaims;
  /** Its protected header (`alg`, `kid`, `typ`). */
  header: Readonly<Record<string, unknown>>;
  /** `bearer` or `dpop`. */
  scheme: RequestScheme;
}

/** Options of route protection, beside those of the {@link ApiClient}. */
export interface RouteGuardOptions {
  /**
   * Default true. With false, a request without credentials goes through anonymously; a request
   * with a bad token is still refused.
   */
  required?: boolean;
  /**
   * The API's public base URL, e.g. `https://api.example.com`. A DPoP proof's `htu` is checked
   * against this origin plus the request's path (RFC 9449 §4.3), never against `Host`, which the
   * client controls. Without it, DPoP requests are refused (Bearer works as usual).
   */
  baseUrl?: string;
}

/** The parts of a request the guard reads. */
export interface GuardedRequest {
  headers: RequestHeaders;
  method: string;
  /** The request target as received, e.g. `/orders?page=2` (Express `originalUrl`, Fastify `url`). */
  target: string;
}

/** A request the guard let through. */
export interface GuardPass {
  /** The verified token; absent for an anonymous request let through by `required: false`. */
  verified?: VerifiedAccessToken;
  /** Headers to add to the response, e.g. a fresh `DPoP-Nonce`. */
  responseHeaders: Record<string, string>;
}

/** A check run on a verified token; it throws an `Auth0Error` with a `status` to refuse the request. */
export type TokenRequirement = (api: ApiClient, verified: VerifiedAccessToken) => void;

/**
 * Verifies requests for one protected route or group of routes. Options are checked now: a bad
 * `baseUrl` is a {@link ConfigurationError} at setup, not a 500 at every request.
 */
export class RouteGuard {
  readonly required: boolean;
  readonly #base: URL | undefined;

  constructor(
    readonly api: ApiClient,
    options: RouteGuardOptions = {},
  ) {
    if (options.required !== undefined && typeof options.required !== 'boolean') {
      throw new ConfigurationError('required', 'must be a boolean.');
    }
    this.required = options.required ?? true;
    this.#base = resolveBaseUrl(options.baseUrl);
  }

  /**
   * Verifies the request's credentials and calls `done` once: with the pass (the verified token,
   * or none for an anonymous request when not `required`), or with the error to answer with (an
   * `Auth0Error` with a `status`) or to hand on. In the same tick when nothing must be waited for
   * (fresh keys, a fixed issuer: nearly every request), which in Node's HTTP server saves more than
   * verifying a cached token costs.
   *
   * @example
   * guard.check({ headers: req.headers, method: req.method, target: req.originalUrl }, (error, pass) => ...);
   */
  check(request: GuardedRequest, done: (error: unknown, pass?: GuardPass) => void): void {
    const verifyOptions: VerifyRequestOptions = {
      headers: request.headers,
      method: request.method,
      // On the configured origin, never the client's `Host`; the DPoP `htu` check ignores the query.
      url: this.#base && requestUrl(this.#base, request.target),
    };
    drive(this.api[kVerification](verifyOptions), (error, verified) => {
      if (error === undefined) return done(undefined, passOf(verified as VerifiedRequest));
      if (!this.required && error instanceof MissingAuthorizationError) {
        return done(undefined, { responseHeaders: {} });
      }
      done(error);
    });
  }

  /** {@link check} as a promise. */
  verify(request: GuardedRequest): Promise<GuardPass> {
    return new Promise((resolve, reject) => {
      this.check(request, (error, pass) =>
        error === undefined ? resolve(pass as GuardPass) : reject(error),
      );
    });
  }

  /**
   * Runs a route's requirement (scopes, claims) on a verified token; a refusal is thrown with this
   * guard's challenge, on the scheme the token came with.
   */
  require(requirement: TokenRequirement, verified: VerifiedAccessToken): void {
    try {
      requirement(this.api, verified);
    } catch (error) {
      throw this.api[kRefusal](error, verified.scheme);
    }
  }
}

function passOf(result: VerifiedRequest): GuardPass {
  const { token, claims, header, scheme, responseHeaders } = result;
  return { verified: { token, claims, header, scheme }, responseHeaders };
}

function resolveBaseUrl(baseUrl: string | undefined): URL | undefined {
  if (baseUrl === undefined) return undefined;
  const url = URL.parse(baseUrl);
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.search || url.hash) {
    throw new ConfigurationError(
      'baseUrl',
      'must be an absolute http(s) URL without query or hash.',
    );
  }
  return url;
}

/** The scopes asked for, checked now: a bad scope is a setup error, not a 401 at every request. */
function configuredScopes(
  helper: string,
  scopes: ReadonlyArray<string | readonly string[]>,
): string[] {
  let list: string[];
  try {
    // Each argument may be a space-separated string or a list; scopeList checks every token.
    list = scopes.flatMap((scope) =>
      scopeList(typeof scope === 'string' ? scope : scope.filter((item) => item !== '')),
    );
  } catch (error) {
    throw new ConfigurationError(helper, (error as Error).message);
  }
  if (list.length === 0) throw new ConfigurationError(helper, 'needs at least one scope.');
  return list;
}

/**
 * The token must grant the scopes (its `scope` claim and Auth0's `permissions` both count): all of
 * them, or any one with `match: 'any'`. Otherwise 403 `insufficient_scope` with `scope=`.
 */
export function scopesRequirement(
  helper: string,
  scopes: ReadonlyArray<string | readonly string[]>,
  match: ScopeMatch = 'all',
): TokenRequirement {
  const list = configuredScopes(helper, scopes);
  return (api, verified) => api.requireScopes(verified, list, match);
}

/**
 * The claims must satisfy `predicate`; otherwise 401 `invalid_token`
 * (`claim_validation_failed`), as express-oauth2-jwt-bearer's `claimCheck`.
 */
export function claimRequirement(
  predicate: (claims: Readonly<AccessTokenClaims>) => boolean,
  helper = 'claimCheck',
): TokenRequirement {
  if (typeof predicate !== 'function') {
    throw new ConfigurationError(helper, 'needs a function of the claims.');
  }
  return (_api, verified) => {
    if (predicate(verified.claims) !== true) {
      throw new VerifyAccessTokenError('claim_validation_failed');
    }
  };
}

/**
 * The token must be of an Auth0 organization: `org_id` equal to an `org_…` id, or `org_name` equal
 * to a name (case-insensitively). Otherwise 401 `invalid_token` (`claim_validation_failed`).
 */
export function organizationRequirement(
  organization: string,
  helper = 'organization',
): TokenRequirement {
  if (typeof organization !== 'string' || organization.trim() === '') {
    throw new ConfigurationError(helper, 'needs an org_ id or an organization name.');
  }
  const expected = organization.trim();
  return claimRequirement((claims) => isInOrganization(claims, expected), helper);
}

/** The claim must equal `value` (a string, number, boolean or null). */
export function claimEqualsRequirement(
  claim: string,
  value: string | number | boolean | null,
): TokenRequirement {
  return claimRequirement((claims) => claims[claim] === value, 'claimEquals');
}

/** The claim (a space-separated string or an array) must include every value. */
export function claimIncludesRequirement(
  claim: string,
  values: ReadonlyArray<string | number | boolean>,
): TokenRequirement {
  if (values.length === 0) {
    throw new ConfigurationError('claimIncludes', 'needs at least one value.');
  }
  return claimRequirement((claims) => {
    const value = claims[claim];
    const present: unknown[] =
      typeof value === 'string' ? value.split(' ') : Array.isArray(value) ? value : [];
    return values.every((wanted) => present.includes(wanted));
  }, 'claimIncludes');
}
