import { MemoryBackend } from '@gatehouse/core';
import { BrowserClient, loginAs } from '@gatehouse/dev-tenant/testing';
import { SAFE_RETURN_TO, SIGN_IN_NEGOTIATION } from '@gatehouse/test-kit/web/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALICE,
  ANALYTICS_API,
  BOB,
  ORDERS_API,
  type StartTestApp,
  type TestApp,
} from '../harness.js';

/** Login, profile, tokens for two APIs, logout and `requiresAuth`, with both session stores. */
export function describeWebFlows(start: StartTestApp): void {
  const stores = {
    'cookie sessions': () => ({}),
    'server sessions': () => ({ session: { store: { backend: new MemoryBackend() } } }),
  };

  describe.each(Object.entries(stores))('web app flows with %s', (_name, sessionOptions) => {
    let app: TestApp;
    beforeAll(async () => {
      app = await start({
        auth: () => ({ ...sessionOptions(), authorizationParams: { audience: ORDERS_API } }),
      });
    });
    afterAll(() => app.close());

    const json = async (browser: BrowserClient, path: string) =>
      JSON.parse((await browser.navigate(`${app.url}${path}`)).body);

    it('logs in, reads the profile, gets tokens for two APIs, and logs out', async () => {
      const browser = new BrowserClient();
      expect(await json(browser, '/me')).toEqual({ user: null, authenticated: false });

      const end = await loginAs(browser, { startUrl: `${app.url}/auth/login`, ...ALICE });
      expect(end.url.href).toBe(`${app.url}/`);
      expect(await json(browser, '/profile')).toMatchObject({
        sub: 'auth0|alice',
        email: ALICE.email,
      });
      expect(await json(browser, '/me')).toMatchObject({ authenticated: true });

      const orders = await json(browser, '/token');
      expect(orders).toMatchObject({ audience: ORDERS_API, accessToken: expect.any(String) });
      const analytics = await json(browser, `/token?audience=${encodeURIComponent(ANALYTICS_API)}`);
      expect(analytics).toMatchObject({ audience: ANALYTICS_API, accessToken: expect.any(String) });
      expect(analytics.accessToken).not.toBe(orders.accessToken);

      const out = await browser.navigate(`${app.url}/auth/logout`);
      expect(out.history.some((url) => url.origin === app.tenant.url)).toBe(true);
      expect(out.url.href).toBe(`${app.url}/`);
      expect(await json(browser, '/me')).toEqual({ user: null, authenticated: false });
    });

    it('logs out with POST and a returnTo form field', async () => {
      const browser = new BrowserClient();
      await loginAs(browser, { startUrl: `${app.url}/auth/login`, ...BOB });
      const response = await browser.request(`${app.url}/auth/logout`, {
        form: { returnTo: '/' },
      });
      expect(response.status).toBe(302);
      const location = new URL(response.headers.get('location')!);
      expect(location.origin).toBe(app.tenant.url);
      expect(
        location.searchParams.get('post_logout_redirect_uri') ??
          location.searchParams.get('returnTo'),
      ).toBe(`${app.url}/`);
      expect(await json(browser, '/me')).toMatchObject({ user: null });
    });

    it.each(SAFE_RETURN_TO)('returns to %s after login', async (returnTo, landsOn) => {
      const browser = new BrowserClient();
      const end = await loginAs(browser, {
        startUrl: `${app.url}/auth/login?returnTo=${encodeURIComponent(returnTo)}`,
        ...ALICE,
      });
      expect(end.url.href).toBe(`${app.url}${landsOn}`);
    });

    it('sends a browser without a session to login and back to the page it asked for', async () => {
      const browser = new BrowserClient();
      const first = await browser.request(`${app.url}/profile?tab=orders`, {
        headers: { accept: 'text/html' },
      });
      expect(first.status).toBe(302);
      const login = new URL(first.headers.get('location')!);
      expect(login.href).toBe(`${app.url}/auth/login?returnTo=%2Fprofile%3Ftab%3Dorders`);
      const end = await loginAs(browser, { startUrl: login, ...ALICE });
      expect(end.url.href).toBe(`${app.url}/profile?tab=orders`);
      expect(JSON.parse(end.body)).toMatchObject({ sub: 'auth0|alice' });
    });
  });

  describe('requiresAuth without a session', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await start();
    });
    afterAll(() => app.close());

    it.each(SIGN_IN_NEGOTIATION)('answers %s', async (_who, method, accept, expected) => {
      const response = await fetch(`${app.url}/profile`, {
        method,
        redirect: 'manual',
        headers: accept ? { accept } : {},
      });
      if (expected === 'redirect') {
        expect(response.status).toBe(302);
        expect(response.headers.get('location')).toBe(`${app.url}/auth/login?returnTo=%2Fprofile`);
      } else {
        expect(response.status).toBe(401);
        expect(await response.json()).toMatchObject({ error: 'missing_session' });
      }
    });
  });
}
