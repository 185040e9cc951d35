import {
  type AccessTokenClaims,
  ApiClient,
  type ApiClientOptions,
  AuthError,
  hasScopes,
  MissingAuthorizationError,
  type RequestScheme,
  VerifyAccessTokenError,
} from '@gatehouse/api';
import { ConfigurationError } from '@gatehouse/core';
import { requestUrl } from '@gatehouse/core/web';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** What `requireAccessToken()` puts on `req.accessToken`. */
export interface VerifiedAccessToken {
  /** The access token as sent, e.g. for Token Vault (`api.getAccessTokenForConnection`). */
  token: string;
  /** Its verified claims. */
  claims: AccessTokenClaims;
  /** Its protected header (`alg`, `kid`, `typ`). */
  header: Record<string, unknown>;
  /** `bearer` or `dpop`. */
  scheme: RequestScheme;
}

/** Options of the middleware itself, beside those of the `ApiClient`. */
export interface AccessTokenMiddlewareOptions {
  /**
   * Default true. With false, a request without credentials goes through with no
   * `req.accessToken`; a request with a bad token is still refused.
   */
  required?: boolean;
  /**
   * The API's public base URL, e.g. `https://api.example.com`. A DPoP proof's `htu` is checked
   * against this origin plus the request's path (RFC 9449 §4.3), never against `Host`. Without
   * it, DPoP requests are refused (Bearer works as usual).
   */
  baseUrl?: string;
  /**
   * `'render'` (default): refusals are answered here with their status, `WWW-Authenticate` and a
   * JSON body. `'next'`: they go to `next(err)`; each carries `status` and `headers`.
   */
  errors?: 'render' | 'next';
}

/** Options of {@link requireAccessToken}: `ApiClient` options plus the middleware's own. */
export interface RequireAccessTokenOptions extends ApiClientOptions, AccessTokenMiddlewareOptions {}

interface Verified {
  api: ApiClient;
  verified: VerifiedAccessToken;
  errors: 'render' | 'next';
}

/** The verification of each request, for the claim and scope checks after it. */
const verifications = new WeakMap<Request, Verified>();

/** Answers a refusal with its status, headers and a JSON body, or hands it to `next`. */
function refuse(res: Response, next: NextFunction, error: unknown, mode: 'render' | 'next') {
  if (!(error instanceof AuthError) || mode === 'next') return next(error);
  res.status(error.status);
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  res.json({ error: error.error ?? error.code, error_description: error.description });
}

/** The JWS protected header of a token that has already been verified. */
function protectedHeader(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString('utf8'));
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

/**
 * Protects API routes: verifies the access token (Bearer, or DPoP with `baseUrl`) and sets
 * `req.accessToken = { token, claims, header, scheme }`. Refusals follow RFC 6750 and RFC 9449:
 * 401 with `WWW-Authenticate` for a missing or bad token, 400 for a malformed request, 403 for
 * missing scopes (with {@link requiredScopes}).
 *
 * @example
 * app.use('/api', requireAccessToken({ domain: 'tenant.auth0.com', audience: 'https://api.example.com' }));
 * app.get('/api/orders', requiredScopes('read:orders'), (req, res) => res.json(req.accessToken.claims));
 */
export function requireAccessToken(
  options: RequireAccessTokenOptions | ApiClient,
  middleware: AccessTokenMiddlewareOptions = {},
): RequestHandler {
  let api: ApiClient;
  let own: AccessTokenMiddlewareOptions;
  if (options instanceof ApiClient) {
    api = options;
    own = middleware;
  } else {
    const { required, baseUrl, errors, ...clientOptions } = options;
    api = new ApiClient(clientOptions);
    own = { required, baseUrl, errors };
  }
  const required = own.required ?? true;
  const errors = own.errors ?? 'render';
  if (errors !== 'render' && errors !== 'next') {
    throw new ConfigurationError('errors', "must be 'render' or 'next'.");
  }
  const base = resolveBaseUrl(own.baseUrl);

  return (req, res, next) => {
    api
      .verifyRequest({
        headers: req.headers,
        method: req.method,
        url: base && requestUrl(base, req.originalUrl),
      })
      .then(
        (result) => {
          for (const [name, value] of Object.entries(result.responseHeaders)) {
            res.setHeader(name, value);
          }
          const verified: VerifiedAccessToken = {
            token: result.token,
            claims: result.claims,
            header: protectedHeader(result.token),
            scheme: result.scheme,
          };
          req.accessToken = verified;
          verifications.set(req, { api, verified, errors });
          next();
        },
        (error: unknown) => {
          if (!required && error instanceof MissingAuthorizationError) next();
          else refuse(res, next, error, errors);
        },
      );
  };
}

/**
 * The verification a check runs on. Without one (no `requireAccessToken()` before, or an
 * anonymous request let through by `required: false`) the check refuses with 401: it fails closed.
 */
function check(run: (context: Verified) => void): RequestHandler {
  return (req, res, next) => {
    const context = verifications.get(req);
    if (!context) {
      const error = new MissingAuthorizationError();
      return refuse(res, next, error, 'render');
    }
    try {
      run(context);
      next();
    } catch (error) {
      refuse(res, next, error, context.errors);
    }
  };
}

/** The scopes asked for, checked now: a bad scope is a setup error, not a 401 at every request. */
function scopeListOf(helper: string, scopes: ReadonlyArray<string | readonly string[]>): string[] {
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
 * Lets the request through only if the token grants every scope (its `scope` claim and Auth0's
 * `permissions` both count); otherwise 403 with `error="insufficient_scope"` and `scope=`.
 *
 * @example
 * app.delete('/api/orders/:id', requiredScopes('write:orders', 'admin'), handler);
 */
export function requiredScopes(
  ...scopes: ReadonlyArray<string | readonly string[]>
): RequestHandler {
  const list = scopeListOf('requiredScopes', scopes);
  return check(({ api, verified }) => api.requireScopes(verified, list, 'all'));
}

/** Like {@link requiredScopes}, but any one of the scopes is enough. */
export function scopeIncludesAny(
  ...scopes: ReadonlyArray<string | readonly string[]>
): RequestHandler {
  const list = scopeListOf('scopeIncludesAny', scopes);
  return check(({ api, verified }) => api.requireScopes(verified, list, 'any'));
}

/** A claim's values: a space-separated string or an array of strings. */
function claimValues(value: unknown): unknown[] {
  if (typeof value === 'string') return value.split(' ');
  return Array.isArray(value) ? value : [];
}

/**
 * Lets the request through only if `check(claims)` is true; otherwise 401 `invalid_token`, as
 * express-oauth2-jwt-bearer's `claimCheck`.
 *
 * @example
 * app.get('/api/admin', claimCheck((claims) => claims.org_id === 'org_1'), handler);
 */
export function claimCheck(
  predicate: (claims: Readonly<AccessTokenClaims>) => boolean,
): RequestHandler {
  if (typeof predicate !== 'function') {
    throw new ConfigurationError('claimCheck', 'needs a function of the claims.');
  }
  return check(({ verified }) => {
    if (predicate(verified.claims) !== true) {
      throw new VerifyAccessTokenError('claim_validation_failed');
    }
  });
}

/** The claim must equal `value` (a string, number, boolean or null). */
export function claimEquals(
  claim: string,
  value: string | number | boolean | null,
): RequestHandler {
  return claimCheck((claims) => claims[claim] === value);
}

/**
 * The claim (a space-separated string or an array) must include every value, e.g.
 * `claimIncludes('roles', 'admin')`.
 */
export function claimIncludes(
  claim: string,
  ...values: ReadonlyArray<string | number | boolean>
): RequestHandler {
  if (values.length === 0)
    throw new ConfigurationError('claimIncludes', 'needs at least one value.');
  return claimCheck((claims) => {
    const present = claimValues(claims[claim]);
    return values.every((value) => present.includes(value));
  });
}
