import { ApiClient } from '@gatehouse/api';
import {
  type BuildTestApp,
  brandResolver,
  MFA_ACR,
  ORDERS_API,
  type TestAppContext,
  testAppStarter,
} from '@gatehouse/web-test-kit/harness';
import express, { type NextFunction, type Request, type Response } from 'express';
import {
  auth,
  claimCheck,
  claimEquals,
  claimIncludes,
  requireAccessToken,
  requiredOrganization,
  requiredScopes,
  requiresAuth,
  scopeIncludesAny,
} from '../../src/index.js';

/** An async route that works on Express 4 too (which ignores returned promises). */
const route =
  (handler: (req: Request, res: Response) => Promise<unknown>) =>
  (req: Request, res: Response, next: NextFunction) => {
    handler(req, res).catch(next);
  };

const ok = (_req: Request, res: Response) => {
  res.json({ ok: true });
};

/** The harness's web routes (see `harness.ts`), on `req.auth`. */
function webRoutes(app: express.Express): void {
  app.get('/', (_req, res) => {
    res.json({ home: true });
  });
  app.get(
    '/me',
    route(async (req, res) => {
      res.json({
        user: (await req.auth.getUser()) ?? null,
        authenticated: await req.auth.isAuthenticated(),
      });
    }),
  );
  app.get(
    '/session',
    route(async (req, res) => {
      res.json({ session: (await req.auth.getSession()) ?? null });
    }),
  );
  app.get(
    '/profile',
    requiresAuth(),
    route(async (req, res) => {
      res.json(await req.auth.getUser());
    }),
  );
  app.get(
    '/admin',
    requiresAuth({ acrValues: MFA_ACR, maxAge: 600 }),
    route(async (req, res) => {
      res.json(await req.auth.getUser());
    }),
  );
  app.get(
    '/acme',
    requiresAuth({ organization: 'org_acme' }),
    route(async (req, res) => {
      res.json(await req.auth.getUser());
    }),
  );
  app.post(
    '/logout-everywhere',
    requiresAuth(),
    route(async (req, res) => {
      res.json(await req.auth.logoutEverywhere());
    }),
  );
  app.post('/profile', requiresAuth(), (_req, res) => {
    res.json({ reached: true });
  });
  app.get(
    '/token',
    requiresAuth(),
    route(async (req, res) => {
      const audience = typeof req.query.audience === 'string' ? req.query.audience : undefined;
      res.json(await req.auth.getAccessToken({ audience }));
    }),
  );
  app.get(
    '/accounts',
    route(async (req, res) => {
      res.json({
        accounts: await req.auth.listConnectedAccounts(),
        connections: await req.auth.listConnectedAccountConnections(),
      });
    }),
  );
  app.post(
    '/accounts/:id/delete',
    route(async (req, res) => {
      await req.auth.deleteConnectedAccount({ connectedAccountId: String(req.params.id) });
      res.json({ deleted: true });
    }),
  );
  app.get(
    '/connection-token',
    route(async (req, res) => {
      res.json(await req.auth.getAccessTokenForConnection({ connection: 'google-oauth2' }));
    }),
  );
}

/** The harness's API routes (see `harness.ts`), with the express-oauth2-jwt-bearer-style helpers. */
function apiRoutes(app: express.Express, { tenant, url }: TestAppContext): void {
  const options = { domain: tenant.domain, audience: ORDERS_API };
  const verify = requireAccessToken(options);
  app.get('/api/orders', verify, requiredScopes('read:orders'), (req, res) => {
    const { claims, header, scheme } = req.accessToken!;
    res.json({ sub: claims.sub, header, scheme });
  });
  app.get('/api/write', verify, requiredScopes('read:orders write:orders'), ok);
  app.get('/api/any', verify, scopeIncludesAny('write:orders', 'read:orders'), ok);
  app.get('/api/mine', verify, claimEquals('sub', 'auth0|alice'), ok);
  app.get('/api/bobs', verify, claimEquals('sub', 'auth0|bob'), ok);
  app.get('/api/acme', verify, requiredOrganization('org_acme'), ok);
  app.get('/api/has-scope', verify, claimIncludes('scope', 'read:orders'), ok);
  app.get(
    '/api/checked',
    verify,
    claimCheck((claims) => claims.azp === 'nobody'),
    ok,
  );
  const optional = requireAccessToken({ ...options, required: false });
  app.get('/api/anonymous-ok', optional, (req, res) => {
    res.json({ anonymous: req.accessToken === undefined });
  });
  app.get('/api/anonymous-scoped', optional, requiredScopes('read:orders'), ok);
  app.get('/api/optional', requireAccessToken(new ApiClient(options), { required: false }), ok);
  app.get('/api/next', requireAccessToken({ ...options, errors: 'next' }), ok);
  const inTwoDays = () => Date.now() + 2 * 86_400_000;
  app.get('/api/in-two-days', requireAccessToken({ ...options, now: inTwoDays }), ok);
  app.get('/api/dpop', requireAccessToken({ ...options, baseUrl: url }), (req, res) => {
    res.json({ sub: req.accessToken?.claims.sub, scheme: req.accessToken?.scheme });
  });
  const dpopOnly = { ...options, baseUrl: url, dpop: { mode: 'required' as const, nonce: true } };
  app.get('/api/dpop-only', requireAccessToken(dpopOnly), (req, res) => {
    res.json({ sub: req.accessToken?.claims.sub, scheme: req.accessToken?.scheme });
  });
  // The web side calling that API with the user's token (`req.auth.fetch`).
  app.get(
    '/call-api',
    route(async (req, res) => {
      const target = new URL(String(req.query.path ?? '/'), url);
      const response = await req.auth.fetch(target, {}, { audience: ORDERS_API });
      res.json({ status: response.status, body: await response.json().catch(() => null) });
    }),
  );
  const brands = brandResolver(tenant);
  const byBrand = { domains: brands.domains, audience: ORDERS_API, baseUrl: url };
  app.get('/api/by-brand', requireAccessToken(byBrand), (_req, res) => {
    res.json(brands.last());
  });
}

/** The harness's test app on Express: `auth()`, the standard routes, and an error handler. */
export const buildExpressApp: BuildTestApp = async (authOptions, context) => {
  const app = express();
  if (context.trustProxy) app.set('trust proxy', true);
  app.use(auth(authOptions));
  webRoutes(app);
  apiRoutes(app, context);
  // What the harness expects of the app's own error handling: 418 and the error's code.
  app.use(
    (
      error: { code?: string; status?: number },
      _req: Request,
      res: Response,
      _next: NextFunction,
    ) => {
      res.status(418).json({ code: error.code ?? null, status: error.status ?? null });
    },
  );
  return app;
};

/** Starts the test app on Express with its own dev tenant. */
export const startApp = testAppStarter(buildExpressApp);
