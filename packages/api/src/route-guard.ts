import type { ApiClient } from './api-client.js';
import type { RequestScheme } from './challenge.js';
import {
  type AuthError,
  ConfigurationError,
  MissingAuthorizationError,
  VerifyAccessTokenError,
} from './errors.js';
import type { AccessTokenClaims } from './jwt/claims.js';
import type { RequestHeaders } from './request.js';
import { hasScopes, type ScopeMatch } from './scopes.js';
import type { VerifiedRequest, VerifyRequestOptions } from './verify-request.js';

/**
 * Route protection without a framework: what `@gatehouse/express` and `@gatehouse/fastify` share,
 * so both verify, refuse and check scopes and claims in exactly the same way. Each adapter only
 * reads its request and writes its response.
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

/** A check run on a verified token; it throws an {@link AuthError} to refuse the request. */
export type TokenRequirement = (api: ApiClient, verified: VerifiedAccessToken) => void;

const SCHEME = /^[a-z][a-z\d+.-]*:/i;

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
   * Verifies the request's credentials. Resolves to the verified token (or to no token for an
   * anonymous request when not `required`); rejects with an {@link AuthError} to answer with, or
   * any other error for the framework's error handling.
   */
  async verify(request: GuardedRequest): Promise<GuardPass> {
    try {
      return passOf(await this.api.verifyRequest(this.#verifyOptions(request)));
    } catch (error) {
      return this.#anonymousOr(error);
    }
  }

  /**
   * {@link verify} without waiting (see `ApiClient.tryVerifyRequest`): the pass, or `undefined`
   * when the request needs I/O first, then `verify` does it all. Refusals throw. An integration
   * that can go on in the same tick skips a turn of the event loop on nearly every request, which
   * in Node's HTTP server costs more than verifying a cached token.
   *
   * @example
   * const pass = guard.tryVerify(request) ?? (await guard.verify(request));
   */
  tryVerify(request: GuardedRequest): GuardPass | undefined {
    try {
      const verified = this.api.tryVerifyRequest(this.#verifyOptions(request));
      return verified && passOf(verified);
    } catch (error) {
      return this.#anonymousOr(error);
    }
  }

  #verifyOptions(request: GuardedRequest): VerifyRequestOptions {
    return {
      headers: request.headers,
      method: request.method,
      url: this.#base && resourceUrl(this.#base, request.target),
    };
  }

  /** An anonymous pass for a request without credentials when they are not required; else throws. */
  #anonymousOr(error: unknown): GuardPass {
    if (!this.required && error instanceof MissingAuthorizationError)
      return { responseHeaders: {} };
    throw error;
  }
}

function passOf(result: VerifiedRequest): GuardPass {
  const { token, claims, header, scheme, responseHeaders } = result;
  return { verified: { token, claims, header, scheme }, responseHeaders };
}

/** The JSON body of a refusal: the OAuth error (or our code) and its fixed description. */
export function refusalBody(error: AuthError): { error: string; error_description: string } {
  return { error: error.error ?? error.code, error_description: error.description };
}

/**
 * The URL a DPoP proof must name: the configured origin and the request's path. The query is left
 * out (`htu` ignores it, RFC 9449 §4.3) and an absolute-form target cannot change the origin.
 */
function resourceUrl(base: URL, target: string): URL {
  let path = target;
  if (SCHEME.test(target)) path = URL.parse(target)?.pathname ?? '/';
  path = path.split('?')[0] ?? '/';
  if (!path.startsWith('/')) path = `/${path}`;
  return URL.parse(`${base.origin}${path}`) ?? new URL('/', base.origin);
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
function scopeList(helper: string, scopes: ReadonlyArray<string | readonly string[]>): string[] {
  const list = scopes
    .flat()
    .flatMap((scope) => (typeof scope === 'string' ? scope.split(' ') : [scope]))
    .filter((scope) => scope !== '');
  try {
    hasScopes({}, list); // validates every scope token (RFC 6749 §3.3)
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
  const list = scopeList(helper, scopes);
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
