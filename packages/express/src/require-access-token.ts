import {
  type AccessTokenClaims,
  ApiClient,
  type ApiClientOptions,
  Auth0Error,
  MissingAuthorizationError,
} from '@gatehouse/api';
import {
  claimEqualsRequirement,
  claimIncludesRequirement,
  claimRequirement,
  credentialHeaders,
  type ErrorMode,
  errorModeOf,
  type GuardPass,
  organizationRequirement,
  RouteGuard,
  type RouteGuardOptions,
  refusalBody,
  scopesRequirement,
  type TokenRequirement,
  type VerifiedAccessToken,
} from '@gatehouse/api/guard';
import type { NextFunction, RequestHandler, Response } from 'express';

export type { VerifiedAccessToken };

/** Options of the middleware itself, beside those of the `ApiClient`. */
export interface AccessTokenMiddlewareOptions extends RouteGuardOptions {
  /**
   * `'render'` (default): refusals are answered here with their status, `WWW-Authenticate` and a
   * JSON body. `'next'`: they go to `next(err)`; each carries `status` and `headers`.
   */
  errors?: ErrorMode;
}

/** Options of {@link requireAccessToken}: `ApiClient` options plus the middleware's own. */
export interface RequireAccessTokenOptions extends ApiClientOptions, AccessTokenMiddlewareOptions {}

/** How the route that verified a token refuses, for the scope and claim checks after it. */
interface VerifyingRoute {
  guard: RouteGuard;
  errors: ErrorMode;
}

/**
 * What `req.accessToken` holds: the verified token, branded with the route that verified it. The
 * checks after `requireAccessToken()` read the route from the brand, so that a value the app put
 * in `req.accessToken` itself is never taken for a verification (they fail closed). One property
 * per request: Express requests are slow to take new properties (a WeakMap or a second property
 * cost more than the rest of a cached verification).
 */
class RequestAccessToken implements VerifiedAccessToken {
  readonly token: string;
  readonly claims: VerifiedAccessToken['claims'];
  readonly header: VerifiedAccessToken['header'];
  readonly scheme: VerifiedAccessToken['scheme'];
  readonly #route: VerifyingRoute;

  constructor(verified: VerifiedAccessToken, route: VerifyingRoute) {
    this.token = verified.token;
    this.claims = verified.claims;
    this.header = verified.header;
    this.scheme = verified.scheme;
    this.#route = route;
  }

  /** The route that verified `value`, if it is a token `requireAccessToken()` verified. */
  static routeOf(value: unknown): VerifyingRoute | undefined {
    return value instanceof RequestAccessToken ? value.#route : undefined;
  }
}

/** Answers a refusal with its status, headers and a JSON body, or hands it to `next`. */
function refuse(res: Response, next: NextFunction, error: unknown, mode: ErrorMode) {
  if (!(error instanceof Auth0Error) || error.status === undefined || mode === 'next') {
    return next(error);
  }
  res.status(error.status);
  setHeaders(res, error.headers);
  res.json(refusalBody(error));
}

function setHeaders(res: Response, headers: Readonly<Record<string, string>>): void {
  for (const name in headers) res.setHeader(name, headers[name] as string);
}

/**
 * Protects API routes: verifies the access token (Bearer, or DPoP with `baseUrl`) and sets
 * `req.accessToken = { token, claims, header, scheme }`. Refusals follow RFC 6750 and RFC 9449:
 * 401 with `WWW-Authenticate` for a missing or bad token, 400 for a malformed request, 403 for
 * missing scopes (with {@link requiredScopes}).
 *
 * @example
 * app.use('/api', requireAccessToken({ domain: 'tenant.auth0.com', audience: 'https://api.example.com' }));
 * app.get('/api/orders', requiredScopes('read:orders'), (req, res) => res.json(req.accessToken?.claims));
 */
export function requireAccessToken(
  options: RequireAccessTokenOptions | ApiClient,
  middleware: AccessTokenMiddlewareOptions = {},
): RequestHandler {
  let guard: RouteGuard;
  let errors: ErrorMode;
  if (options instanceof ApiClient) {
    guard = new RouteGuard(options, middleware);
    errors = errorModeOf(middleware.errors, 'render');
  } else {
    const { required, baseUrl, errors: mode, ...clientOptions } = options;
    guard = new RouteGuard(new ApiClient(clientOptions), { required, baseUrl });
    errors = errorModeOf(mode, 'render');
  }
  const route: VerifyingRoute = { guard, errors };

  return (req, res, next) => {
    const request = {
      headers: credentialHeaders(req),
      method: req.method,
      target: req.originalUrl,
    };
    // Called back in this tick when nothing must be waited for (nearly every request), which
    // spares Node's HTTP server the costlier path of a response written after a turn of the loop.
    guard.check(request, (error, pass) => {
      if (error !== undefined) return refuse(res, next, error, route.errors);
      const { verified, responseHeaders } = pass as GuardPass;
      setHeaders(res, responseHeaders);
      if (verified) req.accessToken = new RequestAccessToken(verified, route);
      next();
    });
  };
}

/**
 * The verification a check runs on. Without one (no `requireAccessToken()` before, or an
 * anonymous request let through by `required: false`) the check refuses with 401: it fails closed.
 */
function check(requirement: TokenRequirement): RequestHandler {
  return (req, res, next) => {
    const token = req.accessToken;
    const route = RequestAccessToken.routeOf(token);
    if (!route || !token) return refuse(res, next, new MissingAuthorizationError(), 'render');
    try {
      route.guard.require(requirement, token);
      next();
    } catch (error) {
      refuse(res, next, error, route.errors);
    }
  };
}

/**
 * Lets the request through only if the token grants every scope (its `scope` claim and Auth0's
 * `permissions` both count); otherwise 403 with `error="insufficient_scope"` and `scope=`.
 *
 * @example
 * app.delete('/api/orders/:id', requiredScopes('write:orders', 'admin'), handler);
 */
export function requiredScopes(
  ...scopes: ReadonlyArray<string | readonly string[]>
): RequestHandler {
  return check(scopesRequirement('requiredScopes', scopes, 'all'));
}

/** Like {@link requiredScopes}, but any one of the scopes is enough. */
export function scopeIncludesAny(
  ...scopes: ReadonlyArray<string | readonly string[]>
): RequestHandler {
  return check(scopesRequirement('scopeIncludesAny', scopes, 'any'));
}

/**
 * Lets the request through only if `predicate(claims)` is true; otherwise 401 `invalid_token`, as
 * express-oauth2-jwt-bearer's `claimCheck`.
 *
 * @example
 * app.get('/api/admin', claimCheck((claims) => claims.org_id === 'org_1'), handler);
 */
export function claimCheck(
  predicate: (claims: Readonly<AccessTokenClaims>) => boolean,
): RequestHandler {
  return check(claimRequirement(predicate));
}

/**
 * The token must be of an Auth0 organization: `org_id` for an `org_…` id, `org_name` (any case)
 * for a name. Otherwise 401 `invalid_token`.
 *
 * @example
 * app.get('/acme/orders', requireAccessToken(options), requiredOrganization('org_acme'), handler);
 */
export function requiredOrganization(organization: string): RequestHandler {
  return check(organizationRequirement(organization, 'requiredOrganization'));
}

/** The claim must equal `value` (a string, number, boolean or null). */
export function claimEquals(
  claim: string,
  value: string | number | boolean | null,
): RequestHandler {
  return check(claimEqualsRequirement(claim, value));
}

/**
 * The claim (a space-separated string or an array) must include every value, e.g.
 * `claimIncludes('roles', 'admin')`.
 */
export function claimIncludes(
  claim: string,
  ...values: ReadonlyArray<string | number | boolean>
): RequestHandler {
  return check(claimIncludesRequirement(claim, values));
}
