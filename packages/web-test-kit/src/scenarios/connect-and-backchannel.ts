import { BrowserClient, loginAs, parseForms } from '@gatehouse/dev-tenant/testing';
import { OPEN_REDIRECT_VECTORS } from '@gatehouse/test-kit/web/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, errorCode, HTML, type StartTestApp, type TestApp } from '../harness.js';

/** The connect route with Connected Accounts, and the back-channel logout route. */
export function describeConnectAndBackchannel(start: StartTestApp): void {
  describe('connected accounts and back-channel logout', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await start({
        tenant: {
          connections: [
            { name: 'google-oauth2', scopes: 'openid email calendar.readonly' },
            { name: 'github', scopes: 'read:user repo' },
          ],
        },
      });
    });
    afterAll(() => app.close());

    /** Walks the connect route through the simulated provider's consent page. */
    async function connectThroughConsent(browser: BrowserClient, query: string) {
      const consent = await browser.navigate(`${app.url}/auth/connect?${query}`);
      expect(consent.url.origin).toBe(app.tenant.url);
      const [form] = parseForms(consent.body, consent.url);
      return browser.submit(form!);
    }

    describe('the connect route', () => {
      it('connects an account and returns to returnTo; auth lists, uses and deletes it', async () => {
        const browser = new BrowserClient();
        await loginAs(browser, { startUrl: `${app.url}/auth/login`, ...ALICE });
        const start = await browser.request(
          `${app.url}/auth/connect?connection=google-oauth2&scopes=calendar.readonly&returnTo=%2Faccounts`,
        );
        expect(start.status).toBe(302);
        expect(start.headers.get('cache-control')).toBe('private, no-store');
        const connectPage = new URL(start.headers.get('location')!);
        expect(connectPage.origin + connectPage.pathname).toBe(`${app.tenant.url}/connect`);

        const end = await connectThroughConsent(
          browser,
          'connection=google-oauth2&scopes=calendar.readonly&returnTo=%2Faccounts',
        );
        expect(end.url.href).toBe(`${app.url}/accounts`);
        const { accounts, connections } = JSON.parse(end.body);
        expect(accounts.accounts).toEqual([
          expect.objectContaining({ connection: 'google-oauth2' }),
        ]);
        expect(connections.connections.map((c: { name: string }) => c.name)).toEqual(
          expect.arrayContaining(['google-oauth2', 'github']),
        );

        const token = await browser.navigate(`${app.url}/connection-token`);
        expect(JSON.parse(token.body)).toMatchObject({
          connection: 'google-oauth2',
          accessToken: expect.any(String),
        });

        const id = accounts.accounts[0].id as string;
        const deleted = await browser.request(
          `${app.url}/accounts/${encodeURIComponent(id)}/delete`,
          {
            method: 'POST',
          },
        );
        expect(await deleted.json()).toEqual({ deleted: true });
        const after = JSON.parse((await browser.navigate(`${app.url}/accounts`)).body);
        expect(after.accounts.accounts).toEqual([]);
      });

      it.each(OPEN_REDIRECT_VECTORS)('refuses returnTo: %s', async (_attack, returnTo) => {
        const browser = new BrowserClient();
        await loginAs(browser, { startUrl: `${app.url}/auth/login`, ...ALICE });
        const end = await connectThroughConsent(
          browser,
          `connection=github&returnTo=${encodeURIComponent(returnTo)}`,
        );
        expect(end.url.href).toBe(`${app.url}/`);
      });

      it('sends a browser without a session to log in first, then back to the connect route', async () => {
        const response = await fetch(`${app.url}/auth/connect?connection=github`, {
          headers: HTML,
          redirect: 'manual',
        });
        expect(response.status).toBe(302);
        expect(response.headers.get('location')).toBe(
          `${app.url}/auth/login?returnTo=${encodeURIComponent('/auth/connect?connection=github')}`,
        );
        const api = await fetch(`${app.url}/auth/connect?connection=github`);
        expect(api.status).toBe(401);
      });

      it('names a missing connection', async () => {
        const browser = new BrowserClient();
        await loginAs(browser, { startUrl: `${app.url}/auth/login`, ...ALICE });
        const response = await browser.request(`${app.url}/auth/connect`, { headers: HTML });
        expect(response.status).toBe(400);
        expect(errorCode(await response.text())).toBe('missing_required_argument');
      });
    });

    describe('the back-channel logout route', () => {
      it.each([
        ['a token that is not a JWT', { logout_token: 'not-a-jwt' }],
        ['an unsigned token', { logout_token: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' }],
        ['no logout_token field', { something: 'else' }],
      ])('answers 400 JSON to %s', async (_what, form) => {
        const response = await fetch(`${app.url}/auth/backchannel-logout`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
          body: new URLSearchParams(form),
        });
        expect(response.status).toBe(400);
        expect(response.headers.get('content-type')).toMatch(/^application\/json/);
        expect(response.headers.get('cache-control')).toBe('private, no-store');
        expect(await response.json()).toMatchObject({ error: 'backchannel_logout_error' });
      });

      it('is POST only', async () => {
        const response = await fetch(`${app.url}/auth/backchannel-logout`);
        expect(response.status).toBe(404);
      });
    });

    it('treats a body too large or malformed as no body: a named 400, no stack', async () => {
      for (const body of [
        `logout_token=${'x'.repeat(64 * 1024)}`,
        '%%%=%%%&logout_token=%E0%A4%A',
      ]) {
        const response = await fetch(`${app.url}/auth/backchannel-logout`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body,
        });
        expect(response.status).toBe(400);
        const text = await response.text();
        expect(JSON.parse(text)).toMatchObject({ error: 'backchannel_logout_error' });
        expect(text).not.toContain('    at ');
      }
    });
  });
}
