import { ApiClient } from '@gatehouse/api';
import {
  type BuildTestApp,
  brandResolver,
  MFA_ACR,
  ORDERS_API,
  type TestAppContext,
  testAppStarter,
} from '@gatehouse/web-test-kit/harness';
import Fastify, { type FastifyInstance } from 'fastify';
import { gatehouse, gatehouseApi } from '../../src/index.js';

const ok = async () => ({ ok: true });

/** The harness's web routes (see `harness.ts`), on `request.auth`. */
async function webRoutes(app: FastifyInstance): Promise<void> {
  app.get('/', async () => ({ home: true }));
  app.get('/me', async (request) => ({
    user: (await request.auth.getUser()) ?? null,
    authenticated: await request.auth.isAuthenticated(),
  }));
  app.get('/session', async (request) => ({ session: (await request.auth.getSession()) ?? null }));
  app.get('/profile', { preHandler: app.requiresAuth() }, (request) => request.auth.getUser());
  app.post('/profile', { preHandler: app.requiresAuth() }, async () => ({ reached: true }));
  app.post('/logout-everywhere', { preHandler: app.requiresAuth() }, (request) =>
    request.auth.logoutEverywhere(),
  );
  app.get(
    '/admin',
    { preHandler: app.requiresAuth({ acrValues: MFA_ACR, maxAge: 600 }) },
    (request) => request.auth.getUser(),
  );
  app.get('/acme', { preHandler: app.requiresAuth({ organization: 'org_acme' }) }, (request) =>
    request.auth.getUser(),
  );
  app.get<{ Querystring: { audience?: string } }>(
    '/token',
    { preHandler: app.requiresAuth() },
    (request) => request.auth.getAccessToken({ audience: request.query.audience }),
  );
  app.get('/accounts', async (request) => ({
    accounts: await request.auth.listConnectedAccounts(),
    connections: await request.auth.listConnectedAccountConnections(),
  }));
  app.post<{ Params: { id: string } }>('/accounts/:id/delete', async (request) => {
    await request.auth.deleteConnectedAccount({ connectedAccountId: request.params.id });
    return { deleted: true };
  });
  app.get('/connection-token', (request) =>
    request.auth.getAccessTokenForConnection({ connection: 'google-oauth2' }),
  );
}

/**
 * The harness's API routes (see `harness.ts`). Each `ApiClient` configuration is its own
 * encapsulated context, as an app with several APIs would register them.
 */
async function apiRoutes(app: FastifyInstance, { tenant, url }: TestAppContext): Promise<void> {
  const options = { domain: tenant.domain, audience: ORDERS_API };
  await app.register(async (api) => {
    await api.register(gatehouseApi, options);
    const guard = api.requireAccessToken;
    api.get('/api/orders', { preHandler: guard({ scopes: 'read:orders' }) }, async (request) => {
      const { claims, header, scheme } = request.accessToken!;
      return { sub: claims.sub, header, scheme };
    });
    api.get('/api/write', { preHandler: guard({ scopes: 'read:orders write:orders' }) }, ok);
    api.get(
      '/api/any',
      { preHandler: guard({ scopes: ['write:orders', 'read:orders'], scopeMatch: 'any' }) },
      ok,
    );
    api.get('/api/mine', { preHandler: guard({ claims: (c) => c.sub === 'auth0|alice' }) }, ok);
    api.get('/api/bobs', { preHandler: guard({ claims: (c) => c.sub === 'auth0|bob' }) }, ok);
    api.get(
      '/api/has-scope',
      { preHandler: guard({ claims: (c) => String(c.scope).split(' ').includes('read:orders') }) },
      ok,
    );
    api.get('/api/acme', { preHandler: guard({ organization: 'org_acme' }) }, ok);
    api.get('/api/checked', { preHandler: guard({ claims: (c) => c.azp === 'nobody' }) }, ok);
    api.get('/api/anonymous-ok', { preHandler: guard({ required: false }) }, async (request) => ({
      anonymous: request.accessToken === null,
    }));
    api.get(
      '/api/anonymous-scoped',
      { preHandler: guard({ required: false, scopes: 'read:orders' }) },
      ok,
    );
    api.get('/api/next', { preHandler: guard({ errors: 'next' }) }, ok);
  });
  await app.register(async (api) => {
    await api.register(gatehouseApi, { client: new ApiClient(options) });
    api.get('/api/optional', { preHandler: api.requireAccessToken({ required: false }) }, ok);
  });
  await app.register(async (api) => {
    await api.register(gatehouseApi, { ...options, now: () => Date.now() + 2 * 86_400_000 });
    api.get('/api/in-two-days', { preHandler: api.requireAccessToken() }, ok);
  });
  await app.register(async (api) => {
    await api.register(gatehouseApi, { ...options, baseUrl: url });
    api.get('/api/dpop', { preHandler: api.requireAccessToken() }, async (request) => ({
      sub: request.accessToken?.claims.sub,
      scheme: request.accessToken?.scheme,
    }));
  });
  await app.register(async (api) => {
    await api.register(gatehouseApi, {
      ...options,
      baseUrl: url,
      dpop: { mode: 'required', nonce: true },
    });
    api.get('/api/dpop-only', { preHandler: api.requireAccessToken() }, async (request) => ({
      sub: request.accessToken?.claims.sub,
      scheme: request.accessToken?.scheme,
    }));
  });
  // The web side calling that API with the user's token (`request.auth.fetch`).
  app.get('/call-api', async (request) => {
    const path = String((request.query as { path?: unknown }).path ?? '/');
    const response = await request.auth.fetch(new URL(path, url), {}, { audience: ORDERS_API });
    return { status: response.status, body: await response.json().catch(() => null) };
  });
  await app.register(async (api) => {
    const brands = brandResolver(tenant);
    await api.register(gatehouseApi, {
      domains: brands.domains,
      audience: ORDERS_API,
      baseUrl: url,
    });
    api.get('/api/by-brand', { preHandler: api.requireAccessToken() }, async () => brands.last());
  });
}

/** The harness's test app on Fastify: the plugins, the standard routes, an error handler. */
export const buildFastifyApp: BuildTestApp = async (authOptions, context) => {
  const app = Fastify({ trustProxy: context.trustProxy });
  // What the harness expects of the app's own error handling: 418 and the error's code. Set
  // first, so that every child context inherits it.
  app.setErrorHandler(async (error: { code?: string; status?: number }, _request, reply) =>
    reply.code(418).send({ code: error.code ?? null, status: error.status ?? null }),
  );
  await app.register(gatehouse, authOptions);
  await webRoutes(app);
  await apiRoutes(app, context);
  await app.ready();
  return (req, res) => app.routing(req, res);
};

/** Starts the test app on Fastify with its own dev tenant. */
export const startApp = testAppStarter(buildFastifyApp);
