import { type ErrorMode, errorModeOf } from '@gatehouse/base';
import { ConfigurationError } from '../errors.js';
import { resolveSecrets, type ServerClientOptions } from '../options.js';
import { refuseUnknownOptions, SERVER_CLIENT_OPTIONS } from '../options-check.js';
import type { SessionLifetime } from '../session/lifetime.js';
import { defaultStores, secureCookiesFor } from '../stores/defaults.js';
import type { CookieStoreOptions, SessionBackend } from '../stores/types.js';

/** The routes a web integration mounts. Each is a path of the app, or `false` to leave it out. */
export interface WebRoutes {
  /** `GET`: starts a login; `?returnTo=` (same origin only) is where the user lands after it. */
  login: string | false;
  /** `GET`: the tenant's redirect back, for logins (`code`) and connects (`connect_code`). */
  callback: string | false;
  /** `GET` and `POST`: ends the session here and at the tenant; `returnTo` as for login. */
  logout: string | false;
  /** `POST`: OpenID Connect Back-Channel Logout; form field `logout_token`. */
  backchannelLogout: string | false;
  /** `GET`: connects an upstream account (`connection`, `scopes`, `returnTo`); needs a session. */
  connect: string | false;
  /** `GET`: links another identity (`connection`, `returnTo`) to the signed-in user. */
  link: string | false;
  /** `GET`: unlinks the identity of `connection` from the signed-in user. */
  unlink: string | false;
  /**
   * `POST`: sends a one-time code (`email` or `phone_number`) or a sign-in link (`send=link`);
   * `returnTo` after sign-in, `next` the code form's page. Needs a passwordless connection at
   * the tenant.
   */
  passwordlessStart: string | false;
  /** `POST`: checks the `code` and starts the session, then goes to `returnTo`. */
  passwordlessVerify: string | false;
  /**
   * `POST` JSON: a passkey challenge, `{ mode: "signup", email, name? }` or
   * `{ mode: "login", username? }` → `{ publicKey }` (the `authSession` stays in a sealed cookie).
   */
  passkeyChallenge: string | false;
  /** `POST` JSON: the browser's credential (`credential.toJSON()`) → a session and `{ returnTo }`. */
  passkeyLogin: string | false;
}

/** Where the routes are unless configured otherwise (DESIGN.md, framework packages). */
export const DEFAULT_ROUTES: Readonly<WebRoutes> = Object.freeze({
  login: '/auth/login',
  callback: '/auth/callback',
  logout: '/auth/logout',
  backchannelLogout: '/auth/backchannel-logout',
  connect: '/auth/connect',
  link: '/auth/link',
  unlink: '/auth/unlink',
  passwordlessStart: '/auth/passwordless/start',
  passwordlessVerify: '/auth/passwordless/verify',
  passkeyChallenge: '/auth/passkey/challenge',
  passkeyLogin: '/auth/passkey/login',
});

/** Where sessions live: sealed cookies (stateless), or a {@link SessionBackend} on the server. */
export type SessionStoreChoice = 'cookie' | { backend: SessionBackend };

/** Session options of a web integration: lifetimes plus where the session is kept. */
export interface WebSessionOptions extends Partial<SessionLifetime> {
  /**
   * `'cookie'` (default): the whole session sealed in cookies. `{ backend }`: only a sealed session
   * id in a cookie, the data in the backend (`MemoryBackend`, `@gatehouse/redis`, ...), which also
   * lets back-channel logout delete sessions.
   */
  store?: SessionStoreChoice;
  /** Name of the session cookie. Default `gatehouse.session` (cookie) or `gatehouse.sid` (backend). */
  cookieName?: string;
}

/**
 * Options of a web integration (`auth()` in Express, the `gatehouse` plugin in Fastify): every
 * {@link ServerClientOptions} field, plus the app's address, its routes and its sessions. `domain`,
 * `clientId`, `clientSecret`, `secret`, `appBaseUrl` and `authorizationParams.audience` default to
 * `AUTH0_DOMAIN`, `AUTH0_CLIENT_ID`, `AUTH0_CLIENT_SECRET`, `AUTH0_SECRET`, `APP_BASE_URL` and
 * `AUTH0_AUDIENCE`.
 */
export interface WebAuthOptions
  extends Partial<Omit<ServerClientOptions<CookieStoreOptions>, 'session'>> {
  /**
   * The app's public address, e.g. `https://app.example.com` (a path is allowed when the app lives
   * under one). Every URL the integration builds (callback, redirects, returnTo checks) starts from
   * it, never from the request's `Host`. Cookies are `Secure` exactly when it is https.
   * An app served on several hostnames (multiple custom domains) lists them all: each request uses
   * the one its `Host` names, and the first when `Host` names none of them, so `Host` never picks
   * an address outside the list. They must share one scheme. Default: `APP_BASE_URL`.
   */
  appBaseUrl?: string | readonly string[];
  /** Route paths; each may be `false` to turn it off. Defaults: {@link DEFAULT_ROUTES}. */
  routes?: Partial<WebRoutes>;
  /** Lifetimes (rolling, 1 day inactivity, 7 days absolute) and the store (cookie by default). */
  session?: WebSessionOptions;
  /**
   * `'render'` (default): route errors become a plain, escaped HTML page or JSON with the error's
   * code. `'next'`: they go to the framework's error handling (Express `next(err)`).
   */
  errors?: ErrorMode;
  /**
   * Silent login on every page: a browser's first anonymous page view (a `GET` that accepts
   * HTML) makes one `prompt=none` round trip to the tenant, signing in a user the tenant knows
   * without a click; the attempt is remembered for the browser session (a cookie), so an anonymous
   * user stays anonymous with no loop. Default false; per route: `attemptSilentLogin()`.
   */
  attemptSilentLogin?: boolean;
}

/** The environment variables read for defaults. */
export type WebAuthEnv = Readonly<Record<string, string | undefined>>;

/** {@link WebAuthOptions} after defaults and checks: what the route handlers work from. */
export interface ResolvedWebAuthOptions {
  /** Ready for `new ServerClient(...)`: stores built, `redirect_uri` derived. */
  clientOptions: ServerClientOptions<CookieStoreOptions>;
  /** The app's (first) address, without a trailing slash in its path. */
  appBaseUrl: URL;
  /** Every address of the app, the first one first. */
  appBaseUrls: readonly URL[];
  routes: WebRoutes;
  errors: ErrorMode;
  /** Silent login on every page. */
  attemptSilentLogin: boolean;
  /** Cookies carry `Secure`: the app is served over https. */
  secure: boolean;
  /** The absolute callback URL (`redirect_uri`) on the first address, when there is one. */
  callbackUrl: string | undefined;
  /** `authorizationParams.redirect_uri` when configured: then every address uses it. */
  configuredCallbackUrl: string | undefined;
}

/** The options a web integration adds to ServerClient's. */
const WEB_OPTIONS: readonly (keyof WebAuthOptions)[] = [
  'appBaseUrl',
  'routes',
  'session',
  'errors',
  'attemptSilentLogin',
];

const ROUTE_PATH = /^\/(?![/\\])[^\s?#\\]*$/;

/**
 * The callback URL (`redirect_uri`) for a request on one of the app's addresses: the configured
 * one, else the callback route on that address.
 */
export function callbackUrlFor(
  options: ResolvedWebAuthOptions,
  appBaseUrl: URL,
): string | undefined {
  if (options.configuredCallbackUrl !== undefined) return options.configuredCallbackUrl;
  return options.routes.callback ? appUrl(appBaseUrl, options.routes.callback).href : undefined;
}

/** Joins an app path to the app's base URL: `https://x/app` + `/auth/login`. */
export function appUrl(appBaseUrl: URL, path: string): URL {
  return new URL(`${appBaseUrl.pathname.replace(/\/+$/, '')}${path}`, appBaseUrl.origin);
}

const fromEnv = (env: WebAuthEnv, name: string) => {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
};

function required<T>(value: T | undefined, option: string, variable: string): T {
  if (value === undefined || value === null || value === '') {
    throw new ConfigurationError(option, `is required: pass it as an option or set ${variable}.`);
  }
  return value;
}

/** The app's addresses: one or a non-empty list, sharing one scheme. */
function resolveAppBaseUrls(value: unknown): URL[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) {
    throw new ConfigurationError('appBaseUrl', 'must be a URL or a non-empty list of URLs.');
  }
  const urls = list.map(resolveAppBaseUrl);
  if (urls.some((url) => url.protocol !== urls[0]?.protocol)) {
    // Cookies are Secure or not for the whole app (its stores are built once).
    throw new ConfigurationError('appBaseUrl', 'every address must use the same scheme.');
  }
  return urls;
}

function resolveAppBaseUrl(value: unknown): URL {
  const url = typeof value === 'string' ? URL.parse(value) : null;
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new ConfigurationError(
      'appBaseUrl',
      `must be an absolute http(s) URL such as https://app.example.com (got ${JSON.stringify(value)}).`,
    );
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new ConfigurationError('appBaseUrl', 'must not contain credentials, a query or a hash.');
  }
  url.pathname = url.pathname.replace(/\/+$/, '') || '/';
  return url;
}

function resolveRoutes(routes: Partial<WebRoutes> | undefined): WebRoutes {
  const resolved = { ...DEFAULT_ROUTES, ...routes };
  const seen = new Map<string, string>();
  for (const [name, path] of Object.entries(resolved)) {
    if (!(name in DEFAULT_ROUTES)) {
      throw new ConfigurationError(
        `routes.${name}`,
        `is not a route; the routes are ${Object.keys(DEFAULT_ROUTES).join(', ')}.`,
      );
    }
    if (path === false) continue;
    if (typeof path !== 'string' || !ROUTE_PATH.test(path)) {
      throw new ConfigurationError(
        `routes.${name}`,
        'must be false or a path such as "/auth/login" (leading slash, no query).',
      );
    }
    const other = seen.get(path);
    if (other) throw new ConfigurationError(`routes.${name}`, `uses the same path as ${other}.`);
    seen.set(path, `routes.${name}`);
  }
  return resolved;
}

function resolveStore(store: unknown): SessionStoreChoice {
  if (store === undefined || store === 'cookie') return 'cookie';
  const backend = (store as { backend?: Partial<SessionBackend> } | null)?.backend;
  const methods = ['get', 'set', 'delete', 'deleteByLogout'] as const;
  if (!backend || methods.some((method) => typeof backend[method] !== 'function')) {
    throw new ConfigurationError(
      'session.store',
      "must be 'cookie' or { backend } with a SessionBackend (get, set, delete, deleteByLogout).",
    );
  }
  return { backend: backend as SessionBackend };
}

/**
 * Applies the environment defaults and checks every option of a web integration, so that
 * misconfiguration fails at start-up with a {@link ConfigurationError} naming the option
 * (SECURITY.md rule 8), never at the first request. Builds the stores with `Secure` decided by
 * `appBaseUrl`, and derives `redirect_uri` from `appBaseUrl` and the callback route.
 *
 * @example
 * const resolved = resolveWebAuthOptions({ appBaseUrl: 'https://app.example.com' }, process.env);
 * new ServerClient(resolved.clientOptions);
 */
export function resolveWebAuthOptions(
  options: WebAuthOptions = {},
  env: WebAuthEnv = process.env,
): ResolvedWebAuthOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError('options', 'must be an object.');
  }
  refuseUnknownOptions(
    { ...options },
    [...WEB_OPTIONS, ...SERVER_CLIENT_OPTIONS],
    'the web integration',
  );
  const {
    appBaseUrl: baseOption,
    routes: routesOption,
    session = {},
    errors: errorsOption,
    attemptSilentLogin = false,
    ...client
  } = options;
  if (typeof attemptSilentLogin !== 'boolean') {
    throw new ConfigurationError('attemptSilentLogin', 'must be a boolean.');
  }
  const errors = errorModeOf(errorsOption, 'render');
  const domain = required(client.domain ?? fromEnv(env, 'AUTH0_DOMAIN'), 'domain', 'AUTH0_DOMAIN');
  const clientId = required(
    client.clientId ?? fromEnv(env, 'AUTH0_CLIENT_ID'),
    'clientId',
    'AUTH0_CLIENT_ID',
  );
  const secret = required(client.secret ?? fromEnv(env, 'AUTH0_SECRET'), 'secret', 'AUTH0_SECRET');
  const secrets = resolveSecrets(secret);
  const clientSecret =
    client.clientSecret ??
    (client.clientAssertionSigningKey === undefined
      ? fromEnv(env, 'AUTH0_CLIENT_SECRET')
      : undefined);
  if (clientSecret === undefined && client.clientAssertionSigningKey === undefined) {
    throw new ConfigurationError(
      'clientSecret',
      'is required: pass clientSecret (or set AUTH0_CLIENT_SECRET), or clientAssertionSigningKey.',
    );
  }
  const appBaseUrls = resolveAppBaseUrls(
    required(baseOption ?? fromEnv(env, 'APP_BASE_URL'), 'appBaseUrl', 'APP_BASE_URL'),
  );
  const appBaseUrl = appBaseUrls[0] as URL;
  const routes = resolveRoutes(routesOption);
  const secure = secureCookiesFor(appBaseUrl);

  const { store: storeOption, cookieName, ...lifetime } = session;
  const store = resolveStore(storeOption);
  const audience = client.authorizationParams?.audience ?? fromEnv(env, 'AUTH0_AUDIENCE');
  const configuredCallbackUrl = client.authorizationParams?.redirect_uri as string | undefined;
  const callbackUrl =
    configuredCallbackUrl ??
    (routes.callback ? appUrl(appBaseUrl, routes.callback).href : undefined);
  if (!callbackUrl && (routes.login || routes.connect || routes.link || routes.unlink)) {
    throw new ConfigurationError(
      'routes.callback',
      'is turned off, so login, connect, link and unlink need authorizationParams.redirect_uri.',
    );
  }

  const defaults = defaultStores({
    secrets,
    secure,
    backend: store === 'cookie' ? undefined : store.backend,
    cookieName,
  });
  return {
    appBaseUrl,
    appBaseUrls,
    configuredCallbackUrl,
    attemptSilentLogin,
    routes,
    errors,
    secure,
    callbackUrl,
    clientOptions: {
      ...client,
      domain,
      clientId,
      clientSecret,
      secret: secrets,
      session: lifetime,
      authorizationParams: {
        ...client.authorizationParams,
        ...(audience !== undefined ? { audience } : {}),
        ...(callbackUrl !== undefined ? { redirect_uri: callbackUrl } : {}),
      },
      transactionStore: client.transactionStore ?? defaults.transactionStore,
      stateStore: client.stateStore ?? defaults.stateStore,
    },
  };
}
