import {
  type AccessTokenClaims,
  ApiClient,
  type ApiClientOptions,
  Auth0Error,
  ConfigurationError,
  MissingAuthorizationError,
  type ScopeMatch,
} from '@gatehouse/api';
import {
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
} from '@gatehouse/api/guard';
import type { FastifyPluginAsync, FastifyReply, preHandlerHookHandler } from 'fastify';
import fp from 'fastify-plugin';

/** Options of the {@link gatehouseApi} plugin itself, beside those of the `ApiClient`. */
export interface GatehouseApiPluginOptions {
  /**
   * The API's public base URL, e.g. `https://api.example.com`. A DPoP proof's `htu` is checked
   * against this origin plus the request's path (RFC 9449 §4.3), never against `Host`, which the
   * client controls. Without it, DPoP requests are refused (Bearer works as usual).
   */
  baseUrl?: string;
  /**
   * `'render'` (default): refusals are answered with their status, `WWW-Authenticate` and a JSON
   * body. `'next'`: they go to Fastify's error handling, with the status and headers already set
   * on the reply and the error's `code` and `status` intact. A route can override it.
   */
  errors?: ErrorMode;
}

/**
 * Options of {@link gatehouseApi}: `ApiClient` options (`domain`, `audience`, ...), or an
 * `ApiClient` you built as `client`; plus the plugin's own.
 */
export type GatehouseApiOptions = GatehouseApiPluginOptions &
  (ApiClientOptions | { client: ApiClient });

/** Options of `fastify.requireAccessToken()`. */
export interface RequireAccessTokenOptions extends Pick<RouteGuardOptions, 'required'> {
  /** How this route's refusals are handled; default the plugin's `errors`. */
  errors?: ErrorMode;
  /** Scopes the token must grant (its `scope` claim and Auth0's `permissions` both count). */
  scopes?: string | readonly string[];
  /** `'all'` scopes (default) or `'any'` one of them. */
  scopeMatch?: ScopeMatch;
  /** A check of the verified claims; false refuses with 401 `invalid_token`. */
  claims?: (claims: Readonly<AccessTokenClaims>) => boolean;
  /**
   * The Auth0 organization the token must be of: `org_id` for an `org_…` id, `org_name` (any
   * case) for a name; otherwise 401 `invalid_token`.
   */
  organization?: string;
}

/** Answers a refusal, or hands it to Fastify's error handling; other errors always go there. */
function refuse(reply: FastifyReply, error: unknown, mode: ErrorMode): FastifyReply {
  if (!(error instanceof Auth0Error) || error.status === undefined) throw error;
  reply.code(error.status).headers(error.headers);
  if (error.status >= 500) reply.log.warn({ code: error.code }, 'gatehouse: token not verified');
  if (mode === 'next') throw error;
  return reply.send(refusalBody(error));
}

/** The requirements a route declares, checked once at setup. */
function requirementsOf(options: RequireAccessTokenOptions): TokenRequirement[] {
  const requirements: TokenRequirement[] = [];
  if (options.scopes !== undefined) {
    requirements.push(
      scopesRequirement('requireAccessToken', [options.scopes].flat(), options.scopeMatch),
    );
  }
  if (options.organization !== undefined) {
    requirements.push(
      organizationRequirement(options.organization, 'requireAccessToken.organization'),
    );
  }
  if (options.claims !== undefined) {
    requirements.push(claimRequirement(options.claims, 'requireAccessToken'));
  }
  return requirements;
}

const plugin: FastifyPluginAsync<GatehouseApiOptions> = async (fastify, options) => {
  const { baseUrl, errors: pluginErrors, ...rest } = options;
  const defaultErrors = errorModeOf(pluginErrors, 'render');
  const api = 'client' in rest ? rest.client : new ApiClient(rest);
  // Built now, so a bad `baseUrl` fails `register`, not every request.
  const guards = {
    required: new RouteGuard(api, { baseUrl }),
    optional: new RouteGuard(api, { baseUrl, required: false }),
  };

  fastify.decorate('apiClient', api);
  fastify.decorateRequest('accessToken', null as never);
  fastify.decorate(
    'requireAccessToken',
    (route: RequireAccessTokenOptions = {}): preHandlerHookHandler => {
      if (route.required !== undefined && typeof route.required !== 'boolean') {
        throw new ConfigurationError('required', 'must be a boolean.');
      }
      const guard = route.required === false ? guards.optional : guards.required;
      const requirements = requirementsOf(route);
      const errors = errorModeOf(route.errors, defaultErrors);
      return (request, reply, done) => {
        // A refusal is answered here (and `done` never called), or goes to Fastify's error
        // handling through `done(error)`.
        const reject = (error: unknown) => {
          try {
            refuse(reply, error, errors);
          } catch (thrown) {
            done(thrown as Error);
          }
        };
        const admit = ({ verified, responseHeaders }: GuardPass) => {
          try {
            reply.headers(responseHeaders);
            if (verified) {
              for (const requirement of requirements) guard.require(requirement, verified);
              request.accessToken = verified;
            } else if (requirements.length > 0) {
              // Anonymous and let through, unless the route asks for scopes or claims: fail closed.
              throw new MissingAuthorizationError();
            }
          } catch (error) {
            return reject(error);
          }
          done();
        };
        const guarded = {
          headers: credentialHeaders(request.raw),
          method: request.method,
          target: request.url,
        };
        // Nearly every request verifies without I/O: then the route runs in this same tick.
        guard.check(guarded, (error, pass) =>
          error === undefined ? admit(pass as GuardPass) : reject(error),
        );
      };
    },
  );
};

/**
 * Protects a Fastify API with Auth0 access tokens: decorates the instance with
 * `requireAccessToken({ scopes, claims, required })`, which returns a `preHandler` that verifies
 * the Bearer (or DPoP) token and sets `request.accessToken`, and with `apiClient`. Refusals follow
 * RFC 6750 and RFC 9449: 401 with `WWW-Authenticate` for a missing or bad token, 400 for a
 * malformed request, 403 `insufficient_scope` for missing scopes.
 *
 * @example
 * await app.register(gatehouseApi, { domain: 'tenant.auth0.com', audience: 'https://api.example.com' });
 * app.get('/orders', { preHandler: app.requireAccessToken({ scopes: 'read:orders' }) },
 *   async (request) => ({ user: request.accessToken?.claims.sub }));
 */
export const gatehouseApi = fp(plugin, { fastify: '5.x', name: '@gatehouse/fastify/api' });
