import { BrowserClient, loginAs } from '@gatehouse/dev-tenant/testing';
import { AUTH_COOKIE_ATTRIBUTES } from '@gatehouse/test-kit/web/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, HTML, type StartTestApp, type TestApp } from '../harness.js';

/** The tenant's `/authorize` requests of a navigation. */
const authorizeHops = (history: URL[], tenantUrl: string) =>
  history.filter((url) => url.href.startsWith(`${tenantUrl}/authorize`)).length;

/**
 * Silent login (`attemptSilentLogin: true`) through a web integration: a user the tenant knows is
 * signed in without a form; an anonymous one stays anonymous after exactly one round trip, and is
 * not sent again; POSTs and API calls never are.
 */
export function describeSilentLogin(startApp: StartTestApp): void {
  describe('silent login', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startApp({ auth: () => ({ attemptSilentLogin: true }) });
    });
    afterAll(() => app.close());

    it('leaves an anonymous browser anonymous after one round trip, and never loops', async () => {
      const browser = new BrowserClient();
      const first = await browser.navigate(`${app.url}/me?tab=1`, { headers: HTML });
      expect(first.url.href).toBe(`${app.url}/me?tab=1`);
      expect(JSON.parse(first.body).user).toBeNull();
      expect(authorizeHops(first.history, app.tenant.url)).toBe(1);
      // The remembered attempt is an auth cookie like the others (SECURITY.md rule 7).
      expect(browser.cookies.attributes(app.url, 'gatehouse.silent')).toMatchObject(
        AUTH_COOKIE_ATTRIBUTES,
      );
      const again = await browser.navigate(`${app.url}/me`, { headers: HTML });
      expect(again.history).toHaveLength(1);
      expect(JSON.parse(again.body).user).toBeNull();
    });

    it('signs in, without a form, a browser the tenant knows', async () => {
      const browser = new BrowserClient();
      await loginAs(browser, { startUrl: `${app.url}/auth/login`, ...ALICE });
      // The app's cookies go (a new browser session at the app); the tenant's stay.
      for (const name of browser.cookies.names(app.url)) {
        if (name.startsWith('gatehouse')) browser.cookies.delete(app.url, name);
      }
      const page = await browser.navigate(`${app.url}/me`, { headers: HTML });
      expect(authorizeHops(page.history, app.tenant.url)).toBe(1);
      expect(page.url.pathname).toBe('/me');
      expect(JSON.parse(page.body).user).toMatchObject({ sub: 'auth0|alice' });
    });

    it('never redirects a POST or a request that does not take HTML', async () => {
      const api = await new BrowserClient().request(`${app.url}/me`);
      expect(api.status).toBe(200);
      expect(await api.json()).toMatchObject({ user: null });
      const post = await new BrowserClient().request(`${app.url}/profile`, {
        method: 'POST',
        headers: HTML,
      });
      expect(post.status).not.toBe(302);
    });
  });
}
