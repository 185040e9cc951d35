import { ConfigurationError } from '@gatehouse/core';
import { DEFAULT_CLIENTS } from '@gatehouse/dev-tenant';
import express from 'express';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { MISCONFIGURATIONS } from '../../core/test/web/conformance.js';
import { auth, requiresAuth } from '../src/index.js';
import { SECRET, startApp, type TestApp } from './support/app.js';

const demo = DEFAULT_CLIENTS[0]!;
const VALID = {
  domain: 'tenant.example.com',
  clientId: demo.clientId,
  clientSecret: demo.clientSecret,
  secret: SECRET,
  appBaseUrl: 'https://app.example.com',
};

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('auth() checks its options at setup (SECURITY.md rule 8)', () => {
  it.each(MISCONFIGURATIONS)('names %s', (option, overrides) => {
    const attempt = () => auth({ ...VALID, ...overrides });
    expect(attempt).toThrow(ConfigurationError);
    expect(attempt).toThrow(expect.objectContaining({ option }));
  });

  it('names the environment variable when an option is missing everywhere', () => {
    for (const name of ['AUTH0_DOMAIN', 'AUTH0_CLIENT_ID', 'AUTH0_SECRET', 'APP_BASE_URL']) {
      vi.stubEnv(name, '');
    }
    expect(() => auth({ ...VALID, appBaseUrl: undefined })).toThrow(/APP_BASE_URL/);
    expect(() => auth({ ...VALID, domain: undefined })).toThrow(/AUTH0_DOMAIN/);
  });

  it('takes every default from the environment', () => {
    vi.stubEnv('AUTH0_DOMAIN', VALID.domain);
    vi.stubEnv('AUTH0_CLIENT_ID', VALID.clientId);
    vi.stubEnv('AUTH0_CLIENT_SECRET', VALID.clientSecret!);
    vi.stubEnv('AUTH0_SECRET', SECRET);
    vi.stubEnv('APP_BASE_URL', VALID.appBaseUrl);
    expect(() => auth()).not.toThrow();
  });
});

describe('an app configured from the environment', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp({
      auth: ({ url, tenant }) => {
        vi.stubEnv('AUTH0_DOMAIN', tenant.domain);
        vi.stubEnv('AUTH0_AUDIENCE', 'https://api.example.com');
        vi.stubEnv('APP_BASE_URL', url);
        return {
          domain: undefined,
          appBaseUrl: undefined,
          routes: { connect: false, logout: '/bye' },
        };
      },
    });
    vi.unstubAllEnvs();
  });
  afterAll(() => app.close());

  it('uses AUTH0_DOMAIN, APP_BASE_URL and AUTH0_AUDIENCE', async () => {
    const login = await fetch(`${app.url}/auth/login`, { redirect: 'manual' });
    const authorize = new URL(login.headers.get('location')!);
    expect(authorize.origin).toBe(app.tenant.url);
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${app.url}/auth/callback`);
    expect(authorize.searchParams.get('audience')).toBe('https://api.example.com');
  });

  it('mounts routes at their configured paths and leaves out the ones turned off', async () => {
    expect((await fetch(`${app.url}/auth/connect?connection=x`)).status).toBe(404);
    expect((await fetch(`${app.url}/auth/logout`, { redirect: 'manual' })).status).toBe(404);
    expect((await fetch(`${app.url}/bye`, { redirect: 'manual' })).status).toBe(302);
  });
});

describe('errors: next', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp({ auth: () => ({ errors: 'next' }) });
    app.app.use(
      (
        error: { code?: string },
        _req: express.Request,
        res: express.Response,
        _next: express.NextFunction,
      ) => {
        res.status(418).json({ handledByApp: error.code });
      },
    );
  });
  afterAll(() => app.close());

  it('hands route errors to the app’s error handler', async () => {
    const response = await fetch(`${app.url}/auth/callback?code=x&state=nope`);
    expect(response.status).toBe(418);
    expect(await response.json()).toEqual({ handledByApp: 'missing_transaction' });
  });
});

it('requiresAuth() without auth() fails closed with a configuration error', async () => {
  const app = express();
  app.get('/private', requiresAuth(), (_req, res) => {
    res.send('secret');
  });
  app.use(
    (error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(500).json({ name: error.name, option: (error as ConfigurationError).option });
    },
  );
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const { port } = server.address() as { port: number };
    const response = await fetch(`http://127.0.0.1:${port}/private`);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ name: 'ConfigurationError', option: 'requiresAuth' });
  } finally {
    server.close();
  }
});

it('runs on the Express major this project is testing', async () => {
  // The app under test and the package's own `express.Router()` come from the same major.
  // Express 4's Router has `_params`; Express 5's (the `router` package) does not.
  const ours = auth(VALID) as unknown as { _params?: unknown };
  expect(Array.isArray(ours._params)).toBe(process.env.EXPRESS_MAJOR === '4');
  const { default: manifest } = await import('express/package.json', { with: { type: 'json' } });
  expect(manifest.version.split('.')[0]).toBe(process.env.EXPRESS_MAJOR);
});
