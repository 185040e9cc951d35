import { approveAccountLink, BrowserClient, getUser, loginAs } from '@gatehouse/dev-tenant/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, errorCode, HTML, type StartTestApp, type TestApp } from '../harness.js';

const connectionsOf = async (app: TestApp) =>
  (await getUser({ tenantUrl: app.tenant.url, sub: 'auth0|alice' })).identities.map(
    (identity) => identity.connection,
  );

/**
 * Account linking through a web integration's `/auth/link` and `/auth/unlink` routes, against the
 * dev tenant's simulated `google-oauth2` provider: Alice links and unlinks a second identity and
 * stays signed in; another site cannot start either; without a session she is sent to sign in.
 */
export function describeAccountLinking(startApp: StartTestApp): void {
  describe('account linking', () => {
    let app: TestApp;
    const browser = new BrowserClient();
    beforeAll(async () => {
      app = await startApp();
      await loginAs(browser, { startUrl: `${app.url}/auth/login`, ...ALICE });
    });
    afterAll(() => app.close());

    it('links a second identity, and Alice stays signed in: her session, claims and tokens kept', async () => {
      const before = JSON.parse((await browser.navigate(`${app.url}/session`)).body).session;
      const end = await approveAccountLink(browser, {
        startUrl: `${app.url}/auth/link?connection=google-oauth2&returnTo=/me`,
        headers: HTML,
      });
      expect(end.url.pathname).toBe('/me');
      expect(JSON.parse(end.body).user).toMatchObject({ sub: 'auth0|alice' });
      expect(await connectionsOf(app)).toEqual([
        'Username-Password-Authentication',
        'google-oauth2',
      ]);
      const after = JSON.parse((await browser.navigate(`${app.url}/session`)).body).session;
      expect(after.user).toEqual(before.user);
      expect(after.refreshToken).toBe(before.refreshToken);
      expect(after.createdAt).toBe(before.createdAt);
    });

    it('unlinks it, and Alice stays signed in', async () => {
      const end = await browser.navigate(
        `${app.url}/auth/unlink?connection=google-oauth2&returnTo=/me`,
        {
          headers: HTML,
        },
      );
      expect(end.url.pathname).toBe('/me');
      expect(JSON.parse(end.body).user).toMatchObject({ sub: 'auth0|alice' });
      expect(await connectionsOf(app)).toEqual(['Username-Password-Authentication']);
    });

    it('refuses a link another site started (403 cross_site_request), and changes nothing', async () => {
      const response = await browser.request(`${app.url}/auth/link?connection=google-oauth2`, {
        headers: { ...HTML, 'sec-fetch-site': 'cross-site' },
      });
      expect(response.status).toBe(403);
      expect(errorCode(await response.text())).toBe('cross_site_request');
      expect(await connectionsOf(app)).toEqual(['Username-Password-Authentication']);
    });

    it('sends a browser without a session to sign in first; needs a connection', async () => {
      const anonymous = await new BrowserClient().request(
        `${app.url}/auth/link?connection=google-oauth2`,
        {
          headers: HTML,
        },
      );
      expect(anonymous.status).toBe(302);
      expect(new URL(anonymous.headers.get('location') as string).pathname).toBe('/auth/login');
      const missing = await browser.request(`${app.url}/auth/link`, { headers: HTML });
      expect(errorCode(await missing.text())).toBe('missing_required_argument');
    });
  });
}
