/**
 * The test app every web integration builds for the shared scenarios (`scenarios/*.ts`): a real
 * server on a random loopback port, its own dev tenant, and the same routes whatever the
 * framework, so one list of HTTP-level tests runs against Express and Fastify alike.
 *
 * The framework's part is a {@link BuildTestApp}: given the integration's options, it returns a
 * request listener serving the routes below.
 *
 * Web routes of every test app (besides the integration's own `/auth/*` routes):
 * - `GET /` → `{ home: true }`
 * - `GET /me` → `{ user, authenticated }` (no guard)
 * - `GET /session` → `{ session }` (no guard): `auth.getSession()`, tokens and `domain` included
 * - `GET /profile`, `POST /profile` behind `requiresAuth` → the user / `{ reached: true }`
 * - `POST /logout-everywhere` behind `requiresAuth` → `auth.logoutEverywhere()`
 * - `GET /acme` behind `requiresAuth({ organization: 'org_acme' })` → the user
 * - `GET /admin` behind `requiresAuth({ acrValues: MFA_ACR, maxAge: 600 })` (step-up) → the user
 * - `GET /token?audience=` behind `requiresAuth` → `auth.getAccessToken({ audience })`
 * - `GET /accounts` → `{ accounts, connections }`; `POST /accounts/:id/delete` → `{ deleted: true }`
 * - `GET /connection-token` → `auth.getAccessTokenForConnection({ connection: 'google-oauth2' })`
 *
 * API routes, verifying tokens for `ORDERS_API` issued by the app's tenant:
 * - `GET /api/orders` needs `read:orders` → `{ sub, header, scheme }` of the verified token
 * - `GET /api/write` needs `read:orders` and `write:orders`; `GET /api/any` either of them
 * - `GET /api/mine` needs `sub` = `auth0|alice`; `GET /api/bobs` `sub` = `auth0|bob`
 * - `GET /api/acme` needs the token to be of the organization `org_acme`
 * - `GET /api/has-scope` needs the `scope` claim to include `read:orders`
 * - `GET /api/checked` needs `azp` = `nobody` (a custom claim check)
 * - `GET /api/anonymous-ok` optional (`required: false`) → `{ anonymous }`
 * - `GET /api/anonymous-scoped` optional, but needs `read:orders`: fails closed
 * - `GET /api/optional` optional, verified by an `ApiClient` the app built → `{ ok: true }`
 * - `GET /api/next` refusals go to the framework's error handler, which answers 418
 *   `{ status, code }`
 * - `GET /api/in-two-days` verifies with a clock two days ahead (every token has expired)
 * - `GET /api/dpop` accepts Bearer or DPoP tokens, with the app's URL as the API's `baseUrl`
 *   (DPoP `htu`) → `{ sub, scheme }`
 * - `GET /api/by-brand` verifies with {@link brandResolver}'s `domains` resolver, the app's URL as
 *   `baseUrl` → what the resolver was told: `{ requestUrl, host, brand }`
 * Routes that only need to succeed answer `{ ok: true }`.
 */
import { createServer, request as httpRequest, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryBackend } from '@gatehouse/core';
import type { WebAuthOptions } from '@gatehouse/core/web';
import {
  DEFAULT_CLIENTS,
  type DevClientConfig,
  type DevTenant,
  type DevTenantConfig,
  startDevTenant,
} from '@gatehouse/dev-tenant';

export const SECRET = 'a-test-secret-that-is-at-least-32-characters-long';
export const ALICE = { email: 'alice@example.com', password: 'alice-password' };
export const BOB = { email: 'bob@example.com', password: 'bob-password' };
export const ORDERS_API = 'https://api.example.com';
export const ANALYTICS_API = 'https://analytics.example.com';
export const HTML = { accept: 'text/html' };
/** The multi-factor `acr` (Auth0's and the dev tenant's). */
export const MFA_ACR = 'http://schemas.openid.net/pape/policies/2007/06/multi-factor';

/** Where a test app lives. */
export interface TestAppContext {
  /** The app's own origin, e.g. `http://127.0.0.1:41234`. */
  url: string;
  tenant: DevTenant;
}

/** Options of a test app. */
export interface TestAppOptions {
  /** Options of the integration, over the defaults that point it at the tenant. */
  auth?: (context: TestAppContext) => WebAuthOptions;
  /** The tenant's configuration, or a function of the app's URL that returns it. */
  tenant?: DevTenantConfig | ((app: { url: string }) => DevTenantConfig);
  /** Changes the tenant's registration of the app. */
  registerClient?: (client: DevClientConfig) => DevClientConfig;
  /** Whether the framework trusts `X-Forwarded-*` (Express `trust proxy`, Fastify `trustProxy`). */
  trustProxy?: boolean;
}

/** A running test app. */
export interface TestApp extends TestAppContext {
  close(): Promise<void>;
}

/** What each framework supplies: an app with the standard routes, for these options. */
export type BuildTestApp = (
  authOptions: WebAuthOptions,
  context: TestAppContext & { trustProxy: boolean },
) => Promise<RequestListener>;

/** Starts a test app: a framework's {@link BuildTestApp} bound to a port and a dev tenant. */
export type StartTestApp = (options?: TestAppOptions) => Promise<TestApp>;

/** What {@link brandResolver} was told about the last request. */
export interface ResolverRequest {
  requestUrl: string | undefined;
  /** The `Host` header. */
  host: unknown;
  /** The `X-Brand` header. */
  brand: unknown;
}

/**
 * The `domains` resolver of `GET /api/by-brand`, for an API serving several brands: the tenant's
 * domain for brand `main` (the `X-Brand` header), a domain that issued no token for any other. It
 * remembers what it was told last, for the route to answer with. Typed by shape, so this kit needs
 * no `@gatehouse/api`.
 */
export function brandResolver(tenant: DevTenant) {
  let last: ResolverRequest | undefined;
  return {
    domains(context: { requestUrl: string | undefined; requestHeaders: unknown }): string[] {
      const headers = (context.requestHeaders ?? {}) as Record<string, unknown>;
      last = { requestUrl: context.requestUrl, host: headers.host, brand: headers['x-brand'] };
      return headers['x-brand'] === 'main' ? [tenant.domain] : ['brand-b.example.com'];
    },
    last: () => last,
  };
}

/** A loopback server that listens before its app exists, so the tenant can learn its URL first. */
async function listenFirst() {
  let listener: RequestListener | undefined;
  const server = createServer((req, res) => listener?.(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    serve(app: RequestListener) {
      listener = app;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The tenant's demo client, registered with the callback and logout URLs of these app URLs. */
function demoClientFor(urls: readonly string[]): DevClientConfig {
  return {
    ...DEFAULT_CLIENTS[0]!,
    redirectUris: urls.map((url) => `${url}/auth/callback`),
    allowedLogoutUrls: urls.map((url) => `${url}/`),
    // Where the tenant's invitation links point: the app's login route.
    initiateLoginUri: `${urls[0]}/auth/login`,
  };
}

/** The integration's options pointing at the tenant, under the test's own. */
function authOptionsFor(context: TestAppContext, options: TestAppOptions): WebAuthOptions {
  const demo = DEFAULT_CLIENTS[0]!;
  return {
    domain: context.tenant.domain,
    clientId: demo.clientId,
    clientSecret: demo.clientSecret,
    secret: SECRET,
    appBaseUrl: context.url,
    ...options.auth?.(context),
  };
}

/**
 * Binds a framework's app builder to a server and a tenant. The server listens first, so the
 * tenant can register the app's real callback and logout URLs; the app is built last.
 */
export function testAppStarter(build: BuildTestApp): StartTestApp {
  return async (options = {}) => {
    const host = await listenFirst();
    const client = demoClientFor([host.url]);
    const tenant = await startDevTenant({
      config: {
        clients: [options.registerClient?.(client) ?? client],
        ...(typeof options.tenant === 'function'
          ? options.tenant({ url: host.url })
          : options.tenant),
      },
    });
    const context = { url: host.url, tenant };
    host.serve(
      await build(authOptionsFor(context, options), {
        ...context,
        trustProxy: options.trustProxy ?? false,
      }),
    );
    return {
      ...context,
      async close() {
        await host.close();
        await tenant.close();
      },
    };
  };
}

/** Options of a deployment: several instances of one app behind one tenant. */
export interface DeploymentOptions extends Pick<TestAppOptions, 'auth' | 'tenant'> {
  /** How many instances. */
  instances: number;
  /**
   * Where the tenant posts back-channel logouts, given the instances' URLs: one address, as a
   * load balancer in front of them would be. Default: the first instance's route.
   */
  backchannelLogoutUri?: (urls: readonly string[]) => string;
}

/** Instances of one app, as behind a load balancer, and their tenant. */
export interface Deployment {
  urls: string[];
  tenant: DevTenant;
  close(): Promise<void>;
}

/**
 * Starts `instances` copies of a framework's test app (each built with its own options, so each
 * has its own stores and clients) in front of one dev tenant whose client knows them all.
 */
export async function startDeployment(
  build: BuildTestApp,
  options: DeploymentOptions,
): Promise<Deployment> {
  const hosts = await Promise.all(Array.from({ length: options.instances }, listenFirst));
  const urls = hosts.map((host) => host.url);
  const tenant = await startDevTenant({
    config: {
      clients: [
        {
          ...demoClientFor(urls),
          backchannelLogoutUri:
            options.backchannelLogoutUri?.(urls) ?? `${urls[0]}/auth/backchannel-logout`,
        },
      ],
      ...(typeof options.tenant === 'function'
        ? options.tenant({ url: urls[0] as string })
        : options.tenant),
    },
  });
  for (const host of hosts) {
    const context = { url: host.url, tenant };
    host.serve(await build(authOptionsFor(context, options), { ...context, trustProxy: false }));
  }
  return {
    urls,
    tenant,
    async close() {
      await Promise.all(hosts.map((host) => host.close()));
      await tenant.close();
    },
  };
}

/** The error code an error page or JSON error names. */
export const errorCode = (body: string): string | undefined =>
  /data-code="([^"]+)"/.exec(body)?.[1] ?? (/^\{/.test(body) ? JSON.parse(body).error : undefined);

/** Parses one Set-Cookie header into its name and lower-cased attributes. */
export function parseSetCookie(header: string) {
  const [pair = '', ...parts] = header.split(';');
  const attributes: Record<string, string | true> = {};
  for (const part of parts) {
    const [key = '', value] = part.split('=');
    attributes[key.trim().toLowerCase()] = value === undefined ? true : value.trim();
  }
  return { name: pair.slice(0, pair.indexOf('=')), attributes };
}

/**
 * A raw request, to send what fetch would not: `Host` headers, absolute request targets, and a
 * header repeated (an array sends one header line per value).
 */
export function rawGet(url: string, target: string, headers: Record<string, string | string[]>) {
  return new Promise<{ status: number; headers: Record<string, unknown> }>((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const request = httpRequest({ hostname, port, path: target, headers }, (response) => {
      response.resume();
      resolve({ status: response.statusCode ?? 0, headers: response.headers });
    });
    request.on('error', reject).end();
  });
}

/**
 * A fault-injection fake: a memory backend that can be switched off, failing as the Redis
 * backend does during an outage (`code: 'session_store_unavailable'`, a `retry-after` hint).
 */
export class FlakyBackend extends MemoryBackend {
  down = false;

  override async get(id: string) {
    if (this.down) {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), {
        code: 'session_store_unavailable',
        statusCode: 503,
        headers: { 'retry-after': '2' },
      });
    }
    return super.get(id);
  }
}
