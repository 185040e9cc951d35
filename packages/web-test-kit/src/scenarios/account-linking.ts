import { MemoryBackend } from '@gatehouse/core';
import { approveAccountLink, BrowserClient, getUser, loginAs } from '@gatehouse/dev-tenant/testing';
import { OPEN_REDIRECT_VECTORS } from '@gatehouse/test-kit/web/conformance';
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

    it.each(OPEN_REDIRECT_VECTORS)(
      'link returnTo: %s stays on the app',
      async (_attack, returnTo) => {
        const end = await approveAccountLink(browser, {
          startUrl: `${app.url}/auth/link?connection=google-oauth2&returnTo=${encodeURIComponent(returnTo)}`,
          headers: HTML,
        });
        expect(end.url.href).toBe(`${app.url}/`);
      },
    );

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

/** With server sessions: a completed link keeps the session's data under a new session id. */
export function describeAccountLinkingSessionId(startApp: StartTestApp): void {
  describe('account linking with server sessions', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startApp({
        auth: () => ({ session: { store: { backend: new MemoryBackend() } } }),
      });
    });
    afterAll(() => app.close());

    it('gives the session a new id, as every login does (SECURITY.md rule 6)', async () => {
      const browser = new BrowserClient();
      await loginAs(browser, { startUrl: `${app.url}/auth/login`, ...ALICE });
      const before = browser.cookies.get(app.url, 'gatehouse.sid') as string;
      expect(before).toBeTruthy();
      await approveAccountLink(browser, {
        startUrl: `${app.url}/auth/link?connection=google-oauth2&returnTo=/me`,
        headers: HTML,
      });
      const user = async (client: BrowserClient) =>
        JSON.parse((await client.navigate(`${app.url}/me`)).body).user;
      expect(await user(browser)).toMatchObject({ sub: 'auth0|alice' });
      // The id from before the link no longer opens the session.
      const replay = new BrowserClient();
      replay.cookies.set(app.url, 'gatehouse.sid', before);
      expect(await user(replay)).toBeNull();
    });
  });
}
