import { generateKeyPairSync } from 'node:crypto';
/** One button of the tokens page: a request to the demo API (apps/api) with an API's token. */
export interface DemoApiCall {
  /** Names the button (`#call-<id>`) and the form field that asks for this call. */
  id: string;
  method: 'GET' | 'POST';
  /** Path on the demo API server. */
  path: string;
  /** What the button says. */
  label: string;
}

/** One API of the demo: the web apps get an access token for its audience and call it. */
export interface DemoApi {
  /** Short name for page elements, e.g. `orders`. */
  name: string;
  /** The API identifier at the tenant (the token's `aud`). */
  audience: string;
  /** The scopes the web apps ask for on this API. */
  scope: string;
  calls: DemoApiCall[];
}

/** The audiences of the demo's two APIs; the web apps and the demo API read them the same way. */
export interface DemoAudiences {
  /** `ORDERS_AUDIENCE`, default `https://api.example.com` (a dev-tenant default API). */
  orders: string;
  /** `ANALYTICS_AUDIENCE`, default `https://analytics.example.com` (a dev-tenant default API). */
  analytics: string;
}

export function demoAudiences(env: NodeJS.ProcessEnv = process.env): DemoAudiences {
  return {
    orders: env.ORDERS_AUDIENCE || 'https://api.example.com',
    analytics: env.ANALYTICS_AUDIENCE || 'https://analytics.example.com',
  };
}

/** Everything a demo web app is configured with. */
export interface DemoConfig {
  /** Short id, e.g. `express-web`; prefixes the app's cookies (see `authOptions`). */
  appId: string;
  /** Shown in the page header. */
  appName: string;
  /** `PORT`. */
  port: number;
  /** `HOST`: the interface to listen on. Default `127.0.0.1` (the demo is not for the network). */
  host: string;
  /** The first address of `APP_BASE_URL`. Default `http://localhost:<port>`. */
  appBaseUrl: string;
  /** `APP_BASE_URL`, a comma-separated list when the app answers on several hostnames. */
  appBaseUrls: string[];
  /**
   * `DOMAIN_BY_APP_HOST`: which tenant domain (custom domain) each app hostname signs in through,
   * as `host=domain` pairs separated by commas, e.g. `127.0.0.1=http://127.0.0.1:4001`. Hosts not
   * listed use `domain`. Empty: one domain for every hostname.
   */
  domainByAppHost: Record<string, string>;
  /** `AUTH0_DOMAIN`; without it, the local dev tenant at `DEV_TENANT_URL` or on `DEV_TENANT_PORT` (4000). */
  domain: string;
  /** True without `AUTH0_DOMAIN`: the tenant is the local dev tenant. */
  devTenant: boolean;
  /** `AUTH0_CLIENT_ID`. Default: the dev tenant's `demo-web` client. */
  clientId: string;
  /** `AUTH0_CLIENT_SECRET`. Default: the dev tenant's `demo-web` secret. */
  clientSecret: string;
  /** `AUTH0_SECRET`, which seals the cookies. Default: a fixed development secret per app. */
  secret: string;
  /** `DEMO_API_URL`: origin of the demo API. Default `http://127.0.0.1:<API_PORT or 3002>`. */
  apiBaseUrl: string;
  /**
   * `UPSTREAM_API_URL`: what "Call upstream API" fetches with a Token Vault token, `{connection}`
   * standing for the connection's name. Default: the dev tenant's simulated provider,
   * `<tenant>/upstream/{connection}/me`. With a real Google connection, e.g.
   * `https://www.googleapis.com/oauth2/v3/userinfo`.
   */
  upstreamApiUrl: string;
  apis: DemoApi[];
  /**
   * `AUTH0_DPOP_PRIVATE_KEY` (a PEM): the app's DPoP key; every instance of an app must share it.
   * With the local dev tenant and no key given, a new P-256 key per start (tokens are bound to
   * it; a restart signs everyone in again anyway, the dev tenant keeps nothing). With a real
   * tenant and no key: Bearer tokens.
   */
  dpopPrivateKey: string | undefined;
}

/** The secret of the dev tenant's default `demo-web` client (`DEMO_CLIENT_SECRET` there). */
const DEV_TENANT_CLIENT_SECRET = 'demo-web-secret-for-local-development-only';

/** Names one app of the demo. */
export interface DemoApp {
  appId: string;
  appName: string;
  defaultPort: number;
}

/**
 * The tenant the demo uses: `AUTH0_DOMAIN` (a real tenant), else the local dev tenant at
 * `DEV_TENANT_URL`, else on `DEV_TENANT_PORT` (default 4000) of 127.0.0.1.
 */
export function demoTenantDomain(env: NodeJS.ProcessEnv = process.env): string {
  return (
    env.AUTH0_DOMAIN || env.DEV_TENANT_URL || `http://127.0.0.1:${env.DEV_TENANT_PORT || 4000}`
  );
}

/** A P-256 private key as PKCS#8 PEM, for a demo that was given none. */
const newDpopKey = () =>
  generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
    format: 'pem',
    type: 'pkcs8',
  }) as string;

/** The origin of a `domain` setting (a bare host means https). */
export const tenantOrigin = (domain: string) =>
  /^https?:\/\//.test(domain) ? new URL(domain).origin : `https://${domain}`;

/** `a=b,c=d` as `{ a: 'b', c: 'd' }`; entries without `=` are ignored. */
function pairs(value: string | undefined): Record<string, string> {
  const entries = (value ?? '').split(',').flatMap((pair) => {
    const [key, ...rest] = pair.split('=');
    return key?.trim() && rest.length ? [[key.trim(), rest.join('=').trim()] as const] : [];
  });
  return Object.fromEntries(entries);
}

/**
 * A demo app's configuration from the environment. Without `AUTH0_DOMAIN` it uses the local dev
 * tenant and development secrets; with it (a real Auth0 tenant), the client and cookie secrets
 * must be given too: a public development secret must never seal real sessions.
 */
export function demoConfig(app: DemoApp, env: NodeJS.ProcessEnv = process.env): DemoConfig {
  const realTenant = Boolean(env.AUTH0_DOMAIN);
  const fromEnv = (name: string, devDefault: string) => {
    const value = env[name];
    if (value) return value;
    if (realTenant) throw new Error(`${name} is required when AUTH0_DOMAIN is set.`);
    return devDefault;
  };
  const port = Number(env.PORT || app.defaultPort);
  const domain = demoTenantDomain(env);
  const appBaseUrls = (env.APP_BASE_URL || `http://localhost:${port}`)
    .split(',')
    .map((url) => url.trim())
    .filter(Boolean);
  const audiences = demoAudiences(env);
  return {
    appId: app.appId,
    appName: app.appName,
    port,
    host: env.HOST || '127.0.0.1',
    appBaseUrl: appBaseUrls[0] as string,
    appBaseUrls,
    domainByAppHost: pairs(env.DOMAIN_BY_APP_HOST),
    domain,
    devTenant: !realTenant,
    clientId: fromEnv('AUTH0_CLIENT_ID', 'demo-web'),
    clientSecret: fromEnv('AUTH0_CLIENT_SECRET', DEV_TENANT_CLIENT_SECRET),
    secret: fromEnv('AUTH0_SECRET', `gatehouse-demo-${app.appId}-secret-for-local-development`),
    apiBaseUrl: env.DEMO_API_URL || `http://127.0.0.1:${env.API_PORT || 3002}`,
    upstreamApiUrl: env.UPSTREAM_API_URL || `${tenantOrigin(domain)}/upstream/{connection}/me`,
    dpopPrivateKey: env.AUTH0_DPOP_PRIVATE_KEY || (realTenant ? undefined : newDpopKey()),
    apis: [
      {
        name: 'orders',
        audience: audiences.orders,
        scope: 'read:orders',
        calls: [
          { id: 'list-orders', method: 'GET', path: '/api/orders', label: 'List orders (Fastify)' },
          {
            id: 'orders-summary',
            method: 'GET',
            path: '/express/orders/summary',
            label: 'Order summary (Express, DPoP-bound tokens only)',
          },
          {
            id: 'orders-report',
            method: 'GET',
            path: '/api/orders/report',
            label: 'Report (the orders API calls the reports API on your behalf)',
          },
          {
            id: 'create-order',
            method: 'POST',
            path: '/api/orders',
            label: 'Create an order (needs write:orders, which this app does not ask for)',
          },
        ],
      },
      {
        name: 'analytics',
        audience: audiences.analytics,
        scope: 'read:analytics',
        calls: [
          { id: 'analytics', method: 'GET', path: '/api/analytics', label: 'Visits (Fastify)' },
        ],
      },
    ],
  };
}
