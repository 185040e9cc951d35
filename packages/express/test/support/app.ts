import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DEFAULT_CLIENTS,
  type DevClientConfig,
  type DevTenant,
  type DevTenantConfig,
  startDevTenant,
} from '@gatehouse/dev-tenant';
import express, { type Express, type Request, type Response } from 'express';
import { type AuthOptions, auth, requiresAuth } from '../../src/index.js';

export const SECRET = 'a-test-secret-that-is-at-least-32-characters-long';
export const ALICE = { email: 'alice@example.com', password: 'alice-password' };
export const BOB = { email: 'bob@example.com', password: 'bob-password' };
export const ORDERS_API = 'https://api.example.com';
export const ANALYTICS_API = 'https://analytics.example.com';

/** The error code an error page or JSON error names. */
export const errorCode = (body: string): string | undefined =>
  /data-code="([^"]+)"/.exec(body)?.[1] ?? (/^\{/.test(body) ? JSON.parse(body).error : undefined);

/** An Express app under test, listening on a random loopback port, and its dev tenant. */
export interface TestApp {
  url: string;
  tenant: DevTenant;
  app: Express;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Options of `auth()`, over the defaults that point it at the tenant. */
  auth?: (context: { url: string; tenant: DevTenant }) => AuthOptions;
  tenant?: DevTenantConfig;
  /** Routes to add before the standard ones (and after `auth()`). */
  routes?: (app: Express, context: { url: string; tenant: DevTenant }) => void;
  /** Changes the tenant's registration of the app. */
  registerClient?: (client: DevClientConfig) => DevClientConfig;
}

/** An async route that works on Express 4 too (which ignores returned promises). */
export const route =
  (handler: (req: Request, res: Response) => Promise<unknown>) =>
  (req: Request, res: Response, next: (error: unknown) => void) => {
    handler(req, res).catch(next);
  };

/**
 * Starts the dev tenant and an Express app on random loopback ports, the tenant's demo client
 * registered with the app's callback and logout URLs. The app mounts `auth()` and a few pages.
 */
export async function startApp(options: StartOptions = {}): Promise<TestApp> {
  let handler: Express | undefined;
  const server: Server = createServer((req, res) => handler?.(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const demo = DEFAULT_CLIENTS[0]!;
  const client: DevClientConfig = {
    ...demo,
    redirectUris: [`${url}/auth/callback`],
    allowedLogoutUrls: [`${url}/`],
  };
  const tenant = await startDevTenant({
    config: {
      clients: [options.registerClient?.(client) ?? client],
      ...options.tenant,
    },
  });
  const app = express();
  app.use(
    auth({
      domain: tenant.domain,
      clientId: demo.clientId,
      clientSecret: demo.clientSecret,
      secret: SECRET,
      appBaseUrl: url,
      ...options.auth?.({ url, tenant }),
    }),
  );
  options.routes?.(app, { url, tenant });
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
    '/profile',
    requiresAuth(),
    route(async (req, res) => {
      res.json(await req.auth.getUser());
    }),
  );
  app.get(
    '/token',
    requiresAuth(),
    route(async (req, res) => {
      const audience = typeof req.query.audience === 'string' ? req.query.audience : undefined;
      res.json(await req.auth.getAccessToken({ audience }));
    }),
  );
  handler = app;
  return {
    url,
    tenant,
    app,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await tenant.close();
    },
  };
}
