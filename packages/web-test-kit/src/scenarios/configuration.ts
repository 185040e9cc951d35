import type { WebAuthOptions } from '@gatehouse/core/web';
import { DEFAULT_CLIENTS } from '@gatehouse/dev-tenant';
import { MISCONFIGURATIONS } from '@gatehouse/test-kit/web/conformance';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SECRET, type StartTestApp, type TestApp } from '../harness.js';

/**
 * Options checked at setup, environment defaults, configurable routes and `errors: 'next'`.
 * `setUp` registers the integration with these options and settles when it is ready.
 */
export function describeConfiguration(
  start: StartTestApp,
  setUp: (options: WebAuthOptions) => Promise<unknown>,
): void {
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

  describe('setup checks the options (SECURITY.md rule 8)', () => {
    it.each(MISCONFIGURATIONS)('names %s', async (option, overrides) => {
      const attempt = setUp({ ...VALID, ...overrides } as WebAuthOptions);
      // By name and code: the integration throws the ConfigurationError of the core it was built with.
      await expect(attempt).rejects.toThrow(
        expect.objectContaining({
          name: 'ConfigurationError',
          code: 'configuration_error',
          option,
        }),
      );
    });

    it('names the environment variable when an option is missing everywhere', async () => {
      for (const name of ['AUTH0_DOMAIN', 'AUTH0_CLIENT_ID', 'AUTH0_SECRET', 'APP_BASE_URL']) {
        vi.stubEnv(name, '');
      }
      await expect(setUp({ ...VALID, appBaseUrl: undefined })).rejects.toThrow(/APP_BASE_URL/);
      await expect(setUp({ ...VALID, domain: undefined })).rejects.toThrow(/AUTH0_DOMAIN/);
    });

    it('takes every default from the environment', async () => {
      vi.stubEnv('AUTH0_DOMAIN', VALID.domain);
      vi.stubEnv('AUTH0_CLIENT_ID', VALID.clientId);
      vi.stubEnv('AUTH0_CLIENT_SECRET', VALID.clientSecret!);
      vi.stubEnv('AUTH0_SECRET', SECRET);
      vi.stubEnv('APP_BASE_URL', VALID.appBaseUrl);
      await setUp({}); // rejects on any missing or invalid option
    });
  });

  describe('an app configured from the environment', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await start({
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
      app = await start({ auth: () => ({ errors: 'next' }) });
    });
    afterAll(() => app.close());

    it('hands route errors to the app’s error handler', async () => {
      const response = await fetch(`${app.url}/auth/callback?code=x&state=nope`);
      expect(response.status).toBe(418);
      expect(await response.json()).toEqual({ code: 'missing_transaction', status: null });
    });
  });
}
