import type { CookieJar } from '../cookies/cookie-jar.js';
import { Sealer, type SealPurpose } from '../cookies/sealer.js';
import { resolveSecrets } from '../options.js';
import { ServerClient } from '../server-client.js';
import { errorCodeOf, errorResponse } from './errors.js';
import {
  type ResolvedWebAuthOptions,
  resolveWebAuthOptions,
  type WebAuthEnv,
  type WebAuthOptions,
  type WebRoutes,
} from './options.js';
import {
  ChangeTrackingCookieJar,
  mediaType,
  requestUrl,
  singleHeader,
  type WebRequest,
  type WebRequestInit,
} from './request.js';
import { RequestAuth } from './request-auth.js';
import { finish, type WebResponse } from './response.js';
import { backchannelLogout } from './routes/backchannel-logout.js';
import { callback } from './routes/callback.js';
import { connect } from './routes/connect.js';
import type { RouteContext, RouteHandler } from './routes/context.js';
import { link, unlink } from './routes/link.js';
import { login } from './routes/login.js';
import { logout } from './routes/logout.js';
import { passkeyChallenge, passkeyLogin } from './routes/passkey.js';
import { passwordlessStart, passwordlessVerify } from './routes/passwordless.js';
import { type RequiresAuthOptions, requiresAuth } from './routes/requires-auth.js';
import { silentLogin } from './routes/silent-login.js';

/** The name of a route. */
export type RouteName = keyof WebRoutes;

/** One route to mount: its name, HTTP methods and path. */
export interface RouteDefinition {
  name: RouteName;
  methods: ReadonlyArray<'GET' | 'POST'>;
  path: string;
}

/**
 * How a route or guard ended. `response` is always ready to send; when `ok` is false, `error` is
 * what went wrong, for adapters in `errors: 'next'` mode to hand to the framework instead.
 */
export type RouteOutcome =
  | { ok: true; response: WebResponse }
  | { ok: false; response: WebResponse; error: unknown };

const HANDLERS: Record<RouteName, { methods: RouteDefinition['methods']; handler: RouteHandler }> =
  {
    login: { methods: ['GET'], handler: login },
    callback: { methods: ['GET'], handler: callback },
    logout: { methods: ['GET', 'POST'], handler: logout },
    backchannelLogout: { methods: ['POST'], handler: backchannelLogout },
    connect: { methods: ['GET'], handler: connect },
    link: { methods: ['GET'], handler: link },
    unlink: { methods: ['GET'], handler: unlink },
    passwordlessStart: { methods: ['POST'], handler: passwordlessStart },
    passwordlessVerify: { methods: ['POST'], handler: passwordlessVerify },
    passkeyChallenge: { methods: ['POST'], handler: passkeyChallenge },
    passkeyLogin: { methods: ['POST'], handler: passkeyLogin },
  };

/**
 * Everything a framework integration does that does not depend on the framework: options with
 * environment defaults (checked now), the `ServerClient`, the route handlers, the `requiresAuth`
 * decision, error rendering and the request-bound `auth` object. An adapter only turns its
 * request into a {@link WebRequest}, mounts {@link WebAuth.routes}, and sends {@link WebResponse}s.
 *
 * @example
 * const web = new WebAuth({ appBaseUrl: 'https://app.example.com' }); // throws on misconfiguration
 * for (const route of web.routes) router.on(route.methods, route.path, async (req, res) => {
 *   const outcome = await web.handle(route.name, web.request({ method, target, accept, body, cookies }));
 *   send(res, outcome.response);
 * });
 */
export class WebAuth {
  readonly client: ServerClient;
  readonly options: ResolvedWebAuthOptions;
  /** The enabled routes, for the adapter to mount. */
  readonly routes: readonly RouteDefinition[];
  readonly #context: RouteContext;

  constructor(options: WebAuthOptions = {}, env: WebAuthEnv = process.env) {
    this.options = resolveWebAuthOptions(options, env);
    this.client = new ServerClient(this.options.clientOptions);
    const secrets = resolveSecrets(this.options.clientOptions.secret);
    const sealers = new Map<SealPurpose, Sealer>();
    const sealer = (purpose: SealPurpose) => {
      const found = sealers.get(purpose) ?? new Sealer(secrets, purpose);
      sealers.set(purpose, found);
      return found;
    };
    this.#context = { client: this.client, options: this.options, sealer };
    this.routes = (Object.keys(HANDLERS) as RouteName[]).flatMap((name) => {
      const path = this.options.routes[name];
      return path === false ? [] : [{ name, methods: HANDLERS[name].methods, path }];
    });
  }

  /** Builds the handlers' view of a request; its URL comes from `appBaseUrl`, never from `Host`. */
  request(init: WebRequestInit): WebRequest {
    const body =
      typeof init.body === 'object' && init.body !== null && !Array.isArray(init.body)
        ? (init.body as Record<string, unknown>)
        : undefined;
    const appBaseUrl = this.#addressOf(init.headers);
    return {
      method: init.method.toUpperCase(),
      url: requestUrl(appBaseUrl, init.target),
      appBaseUrl,
      headers: init.headers ?? {},
      accept: init.accept,
      body,
      cookies:
        init.cookies instanceof ChangeTrackingCookieJar
          ? init.cookies
          : new ChangeTrackingCookieJar(init.cookies),
      fetchSite: singleHeader(init.headers, 'sec-fetch-site')?.trim().toLowerCase(),
      origin: singleHeader(init.headers, 'origin')?.trim(),
      contentType: mediaType(singleHeader(init.headers, 'content-type')),
    };
  }

  /** Runs a route. Never throws: errors become an error response (and `error` for `'next'`). */
  async handle(name: RouteName, request: WebRequest): Promise<RouteOutcome> {
    try {
      return {
        ok: true,
        response: finish(await HANDLERS[name].handler(this.#context, request), request.cookies),
      };
    } catch (error) {
      // The tenant posts back-channel logouts server to server: it always gets JSON.
      return this.#failure(error, request, name === 'backchannelLogout' ? 'json' : 'negotiate');
    }
  }

  /**
   * The `requiresAuth` guard: `undefined` lets the request through; otherwise the outcome to send
   * (a redirect to login for browsers, 401 or 403 JSON for others, or an error). With `options`,
   * the user must also be in an organization, or have stepped up (`acrValues`, `maxAge`). Fails
   * closed.
   */
  async requiresAuth(
    request: WebRequest,
    options?: RequiresAuthOptions,
  ): Promise<RouteOutcome | undefined> {
    return this.#guard(request, () => requiresAuth(this.#context, request, options));
  }

  /**
   * Silent login (`prompt=none`, once per browser session): `undefined` lets the request through;
   * otherwise the redirect to send. Only for anonymous `GET` page views outside the integration's
   * own routes; never loops.
   */
  async silentLogin(request: WebRequest): Promise<RouteOutcome | undefined> {
    return this.#guard(request, () => silentLogin(this.#context, request));
  }

  /** A check before the app's handler: its response if it answers, errors as an error page. */
  async #guard(
    request: WebRequest,
    check: () => Promise<WebResponse | undefined>,
  ): Promise<RouteOutcome | undefined> {
    try {
      const response = await check();
      return response && { ok: true, response: finish(response, request.cookies) };
    } catch (error) {
      return this.#failure(error, request, 'negotiate');
    }
  }

  /**
   * The `ServerClient` bound to one request: `req.auth` / `request.auth`. `request` (its target and
   * headers) is what a `domain` resolver decides from.
   */
  bind(cookies: CookieJar, request?: Pick<WebRequestInit, 'target' | 'headers'>): RequestAuth {
    // Only a domain resolver reads the request: with a fixed domain, no URL is built per request.
    if (!request || typeof this.options.clientOptions.domain !== 'function') {
      return new RequestAuth(this.client, { cookies });
    }
    const headers = request.headers ?? {};
    const url = requestUrl(this.#addressOf(headers), request.target).href;
    return new RequestAuth(this.client, { cookies, request: { url, headers } });
  }

  /**
   * The app's address a request came to: the one of `appBaseUrl` whose host its `Host` header
   * names, else the first. `Host` only chooses among the configured addresses.
   */
  #addressOf(headers: WebRequestInit['headers']): URL {
    const { appBaseUrls } = this.options;
    const host = singleHeader(headers, 'host')?.trim().toLowerCase();
    return appBaseUrls.find((url) => url.host === host) ?? (appBaseUrls[0] as URL);
  }

  #failure(error: unknown, request: WebRequest, format: 'negotiate' | 'json'): RouteOutcome {
    const response = finish(errorResponse(error, request.accept, format), request.cookies);
    const logger = this.options.clientOptions.logger;
    if (response.status >= 500) {
      logger?.error(
        { code: errorCodeOf(error), path: request.url.pathname },
        'gatehouse: request failed',
      );
    }
    return { ok: false, response, error };
  }
}
