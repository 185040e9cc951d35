// What the export check and the consumer apps do with each package, in one format: start and stop
// the dev tenant, build clients, verify a real token, answer real HTTP requests. `load` is the
// caller's `require` or `import()`, so every package is loaded as that format's user would load it;
// the caller runs this in a fresh Node process, with the packages resolvable from its folder, and
// fails on any output to stderr (a warning printed on every run is a defect too).
import { createServer } from 'node:http';

const SECRET = 'a-secret-for-the-export-check-32-characters-long';
const API = 'https://api.example.com';

/** The module itself for `require`; its default export, if any, for `import()`. */
const main = (module) => module.default ?? module;

/** Starts `server` (an http.Server or anything with listen(0)), returns its origin. */
const listen = (server) =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`));
  });
const close = (server) => new Promise((resolve) => server.close(() => resolve()));

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

/** Fails unless a GET of `url` redirects to the tenant's /authorize. */
async function expectLoginRedirect(url, tenant) {
  const response = await fetch(url, { redirect: 'manual' });
  const location = response.headers.get('location') ?? '';
  expect(
    response.status === 302 && location.startsWith(`${tenant.url}/authorize?`),
    `GET ${url}: expected a redirect to the tenant's /authorize, got ${response.status} ${location}`,
  );
}

/** Fails unless `url` answers 200 to the token and 401 without one. */
async function expectProtected(url, accessToken) {
  const anonymous = await fetch(url);
  expect(
    anonymous.status === 401,
    `GET ${url} without a token: expected 401, got ${anonymous.status}`,
  );
  const allowed = await fetch(url, { headers: { authorization: `Bearer ${accessToken}` } });
  expect(allowed.status === 200, `GET ${url} with a token: expected 200, got ${allowed.status}`);
}

/** One check per package; each gets the running tenant, a token for `API` and `load`. */
const checks = {
  async '@gatehouse/dev-tenant'({ tenant }) {
    const discovery = await fetch(`${tenant.url}/.well-known/openid-configuration`);
    expect(discovery.ok, `dev tenant discovery: ${discovery.status}`);
  },

  async '@gatehouse/core'({ load, tenant, clientSecret }) {
    const { NodeCookieJar, ServerClient } = await load('@gatehouse/core');
    let origin;
    const client = new ServerClient({
      domain: tenant.domain,
      clientId: 'demo-web',
      clientSecret,
      secret: SECRET,
      authorizationParams: { redirect_uri: 'http://localhost:3000/auth/callback' },
    });
    const server = createServer(async (req, res) => {
      const url = await client.startInteractiveLogin({
        storeOptions: { cookies: NodeCookieJar.for(req, res) },
      });
      res.writeHead(302, { location: url.href }).end();
    });
    origin = await listen(server);
    try {
      await expectLoginRedirect(`${origin}/auth/login`, tenant);
    } finally {
      await close(server);
    }
  },

  async '@gatehouse/base'({ load, tenant }) {
    const { configuredTenantAddress, DEFAULT_KEY_POLICY, KeyStore } = await load('@gatehouse/base');
    const { issuer } = configuredTenantAddress(tenant.domain);
    const http = { fetch, timeout: 5000, maxResponseBytes: 65_536 };
    const keys = new KeyStore({ policy: DEFAULT_KEY_POLICY, http, now: Date.now }, 1);
    const keySet = await keys.forIssuer(issuer).keySet();
    expect(keySet.size > 0, "base: the key cache found none of the tenant's keys");
  },

  async '@gatehouse/api'({ load, tenant, accessToken }) {
    const { ApiClient } = await load('@gatehouse/api');
    const api = new ApiClient({ domain: tenant.domain, audience: API });
    const claims = await api.verifyAccessToken({ accessToken });
    expect(
      claims.aud === API || claims.aud?.includes?.(API),
      `verified token has aud ${claims.aud}`,
    );
    const { RouteGuard } = await load('@gatehouse/api/guard');
    const pass = await new RouteGuard(api).verify({
      headers: { authorization: `Bearer ${accessToken}` },
      method: 'GET',
      target: '/orders',
    });
    expect(pass.verified?.token === accessToken, 'api/guard: the token did not pass the guard');
  },

  async '@gatehouse/express'({ load, tenant, clientSecret, accessToken }) {
    const express = main(await load('express'));
    const { auth, requireAccessToken, requiresAuth } = await load('@gatehouse/express');
    const app = express();
    app.use('/api', requireAccessToken({ domain: tenant.domain, audience: API }));
    app.get('/api/orders', (_req, res) => res.json([]));
    app.use(
      auth({
        domain: tenant.domain,
        clientId: 'demo-web',
        clientSecret,
        secret: SECRET,
        appBaseUrl: 'http://localhost:3000',
      }),
    );
    app.get('/profile', requiresAuth(), (_req, res) => res.end());
    const server = createServer(app);
    const origin = await listen(server);
    try {
      await expectProtected(`${origin}/api/orders`, accessToken);
      await expectLoginRedirect(`${origin}/auth/login`, tenant);
    } finally {
      await close(server);
    }
  },

  async '@gatehouse/fastify'({ load, tenant, clientSecret, accessToken }) {
    const Fastify = main(await load('fastify'));
    const { gatehouse, gatehouseApi } = await load('@gatehouse/fastify');
    const app = Fastify();
    await app.register(async (api) => {
      await api.register(gatehouseApi, { domain: tenant.domain, audience: API });
      api.get('/api/orders', { preHandler: api.requireAccessToken() }, async () => []);
    });
    await app.register(gatehouse, {
      domain: tenant.domain,
      clientId: 'demo-web',
      clientSecret,
      secret: SECRET,
      appBaseUrl: 'http://localhost:3000',
    });
    const origin = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      await expectProtected(`${origin}/api/orders`, accessToken);
      await expectLoginRedirect(`${origin}/auth/login`, tenant);
    } finally {
      await app.close();
    }
  },

  async '@gatehouse/redis'({ load }) {
    const { RedisSessionBackend } = await load('@gatehouse/redis');
    const backend = new RedisSessionBackend({
      url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      secret: SECRET,
      keyPrefix: `gatehouse-smoke-${process.pid}:`,
    });
    try {
      const session = {
        user: { sub: 'auth0|smoke' },
        tokenSets: [],
        connectionTokenSets: [],
        internal: { sid: 's', createdAt: 1 },
      };
      await backend.set('smoke', session, 60);
      expect(
        (await backend.get('smoke'))?.user?.sub === 'auth0|smoke',
        'Redis: session not read back',
      );
      await backend.delete('smoke');
    } finally {
      await backend.close();
    }
  },
};

/**
 * Runs the checks of `names` (packages without one are only loaded, and reported), with a dev
 * tenant and a machine token. Returns the names that had no check.
 */
export async function run(load, names) {
  const { DEMO_CLIENT_SECRET, startDevTenant } = await load('@gatehouse/dev-tenant');
  const { machineToken } = await load('@gatehouse/dev-tenant/testing');
  const tenant = await startDevTenant();
  const unchecked = [];
  try {
    const { accessToken } = await machineToken({
      tenantUrl: tenant.url,
      clientId: 'demo-web',
      clientSecret: DEMO_CLIENT_SECRET,
      audience: API,
    });
    const context = { load, tenant, clientSecret: DEMO_CLIENT_SECRET, accessToken };
    for (const name of names) {
      const check = checks[name];
      if (check) await check(context);
      else {
        await load(name);
        unchecked.push(name);
      }
    }
  } finally {
    await tenant.close();
  }
  return unchecked;
}

/** The package names this file knows how to exercise. */
export const CHECKED_PACKAGES = Object.keys(checks);
