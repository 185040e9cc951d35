import fastifyCookie from '@fastify/cookie';
import {
  checkRequiresAuthOptions,
  type RequiresAuthOptions,
  type RouteName,
  WebAuth,
  type WebAuthOptions,
} from '@gatehouse/core/web';
import type {
  FastifyInstance,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  preHandlerAsyncHookHandler,
} from 'fastify';
import fp from 'fastify-plugin';
import { FastifyCookieJar } from './cookie-jar.js';
import { sendOutcome, toWebRequest } from './glue.js';

/** Options of the {@link gatehouse} plugin: see `WebAuthOptions` in `@gatehouse/core/web`. */
export interface GatehouseOptions extends WebAuthOptions {}

const FORM = 'application/x-www-form-urlencoded';
/** A back-channel logout token or a logout form is a few kilobytes at most. */
const FORM_BODY_LIMIT = 16 * 1024;

/** Fastify's body errors: too large, malformed, unsupported media type (`FST_ERR_CTP_*`). */
const isBodyError = (error: unknown): boolean =>
  String((error as { code?: unknown } | null)?.code).startsWith('FST_ERR_CTP_');

/**
 * Mounts the routes in their own encapsulated context, so the form parser and the error handler
 * they need do not change how the rest of the app parses bodies or handles errors.
 */
function routes(web: WebAuth) {
  return async (scope: FastifyInstance) => {
    if (!scope.hasContentTypeParser(FORM)) {
      scope.addContentTypeParser(
        FORM,
        { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
        (_request, body, done) =>
          done(null, Object.fromEntries(new URLSearchParams(body as string))),
      );
    }
    const run = async (name: RouteName, request: FastifyRequest, reply: FastifyReply) =>
      sendOutcome(web, await web.handle(name, toWebRequest(web, request, reply)), reply);

    // A body that cannot be parsed (too large, malformed) is treated as no body, as in the Express
    // integration: the route then answers with its own named error, not Fastify's parser error.
    scope.setErrorHandler(async (error, request, reply) => {
      const name = (request.routeOptions.config as { gatehouseRoute?: RouteName }).gatehouseRoute;
      if (!name || !isBodyError(error)) throw error;
      request.body = undefined;
      return run(name, request, reply);
    });
    for (const route of web.routes) {
      scope.route({
        method: [...route.methods],
        url: route.path,
        config: { gatehouseRoute: route.name },
        logSerializers: { req: redactedRequest },
        handler: (request, reply) => run(route.name, request, reply),
      });
    }
  };
}

/**
 * How Gatehouse's routes appear in the app's request log: as Fastify's own request serializer
 * would write them, with every query value replaced. `/auth/callback?code=…&state=…` carries a
 * one-time authorization code and the transaction's state (and a connect, its connect_code), which
 * have no place in logs that many people and systems read.
 */
function redactedRequest(request: FastifyRequest) {
  const [path = '', query] = request.url.split('?', 2);
  const url =
    query === undefined
      ? path
      : `${path}?${[...new URLSearchParams(query).keys()].map((name) => `${encodeURIComponent(name)}=[redacted]`).join('&')}`;
  return {
    method: request.method,
    url,
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

const plugin: FastifyPluginAsync<GatehouseOptions> = async (fastify, options) => {
  // Throws a ConfigurationError naming the option, at `register` time.
  const web = new WebAuth({ ...options, logger: options.logger ?? fastify.log });
  if (!fastify.hasReplyDecorator('setCookie')) await fastify.register(fastifyCookie);

  fastify.decorateRequest('auth', null as never);
  // A callback hook, not an async one: no promise per request for a few assignments.
  fastify.addHook('onRequest', (request, reply, done) => {
    request.auth = web.bind(FastifyCookieJar.for(request, reply), {
      target: request.url,
      headers: request.headers,
    });
    done();
  });

  const silent: preHandlerAsyncHookHandler = async (request, reply) => {
    const outcome = await web.silentLogin(toWebRequest(web, request, reply));
    if (outcome) return sendOutcome(web, outcome, reply);
  };
  fastify.decorate('attemptSilentLogin', (): preHandlerAsyncHookHandler => silent);
  if (web.options.attemptSilentLogin) fastify.addHook('preHandler', silent);

  fastify.decorate('requiresAuth', (options?: RequiresAuthOptions): preHandlerAsyncHookHandler => {
    const checked = checkRequiresAuthOptions(options);
    return async (request, reply) => {
      const outcome = await web.requiresAuth(toWebRequest(web, request, reply), checked);
      if (outcome) return sendOutcome(web, outcome, reply);
    };
  });

  await fastify.register(routes(web));
};

/**
 * Auth0 for a Fastify app: registers the login, callback, logout, back-channel logout and connect
 * routes, decorates every request with `request.auth` and the instance with `requiresAuth()`.
 * Options default to the environment (`AUTH0_DOMAIN`, `AUTH0_CLIENT_ID`, `AUTH0_CLIENT_SECRET`,
 * `AUTH0_SECRET`, `APP_BASE_URL`, `AUTH0_AUDIENCE`); a mistake fails `register` with a
 * `ConfigurationError` naming the option. Registers `@fastify/cookie` unless the app already has.
 *
 * @example
 * await app.register(gatehouse, { appBaseUrl: 'https://app.example.com' });
 * app.get('/profile', { preHandler: app.requiresAuth() }, (request) => request.auth.getUser());
 */
export const gatehouse = fp(plugin, { fastify: '5.x', name: '@gatehouse/fastify' });
