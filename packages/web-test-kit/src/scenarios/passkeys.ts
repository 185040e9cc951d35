import { BrowserClient, SoftwareAuthenticator } from '@gatehouse/dev-tenant/testing';
import { AUTH_COOKIE_ATTRIBUTES } from '@gatehouse/test-kit/web/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, type StartTestApp, type TestApp } from '../harness.js';

/** What a page's script sends: a same-origin `fetch()` with a JSON body. */
const SAME_ORIGIN = { 'sec-fetch-site': 'same-origin' };

/**
 * The passkey routes of a web integration, driven as the page's script would drive them: a JSON
 * challenge, the credential a software authenticator makes of it, then the sign-in. The tenant's
 * passkey origin is the app's own.
 */
export function describePasskeys(startApp: StartTestApp): void {
  describe('passkey routes: POST /auth/passkey/challenge and /auth/passkey/login', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startApp({ tenant: ({ url }) => ({ passkeys: { origins: [url] } }) });
    });
    afterAll(() => app.close());

    const post = (browser: BrowserClient, path: string, json: unknown, headers = SAME_ORIGIN) =>
      browser.request(`${app.url}${path}`, { method: 'POST', json, headers });

    /** Runs one ceremony in `browser`; returns the sign-in response. */
    async function ceremony(
      browser: BrowserClient,
      challenge: Record<string, unknown>,
      answer: (publicKey: never) => unknown,
    ) {
      const response = await post(browser, '/auth/passkey/challenge', challenge);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('private, no-store');
      const body = await response.json();
      // The tenant's auth_session stays on the server, sealed in an auth cookie (SECURITY.md 7).
      expect(Object.keys(body)).toEqual(['publicKey']);
      expect(browser.cookies.attributes(app.url, 'gatehouse.passkey')).toMatchObject(
        AUTH_COOKIE_ATTRIBUTES,
      );
      return post(browser, '/auth/passkey/login', answer(body.publicKey as never));
    }

    it('signs up, then signs in with the new passkey in another browser', async () => {
      const authenticator = new SoftwareAuthenticator({ origin: app.url });
      const signup = new BrowserClient();
      const created = await ceremony(
        signup,
        { mode: 'signup', email: 'web-passkey@example.com', name: 'Web', returnTo: '/profile' },
        (publicKey) => authenticator.create(publicKey),
      );
      expect(created.status).toBe(200);
      expect(await created.json()).toEqual({ returnTo: `${app.url}/profile` });
      const me = JSON.parse((await signup.navigate(`${app.url}/me`)).body);
      expect(me.user).toMatchObject({ email: 'web-passkey@example.com', name: 'Web' });

      const browser = new BrowserClient();
      const signedIn = await ceremony(browser, { mode: 'login' }, (publicKey) =>
        authenticator.get(publicKey),
      );
      expect(signedIn.status).toBe(200);
      expect(await signedIn.json()).toEqual({ returnTo: `${app.url}/` });
      const session = JSON.parse((await browser.navigate(`${app.url}/me`)).body);
      expect(session.user.sub).toBe(me.user.sub);
    });

    it('refuses a challenge or a sign-in another site started (403 cross_site_request)', async () => {
      const browser = new BrowserClient();
      const challenge = await post(
        browser,
        '/auth/passkey/challenge',
        { mode: 'login' },
        { 'sec-fetch-site': 'cross-site' },
      );
      expect(challenge.status).toBe(403);
      expect(errorCode(await challenge.text())).toBe('cross_site_request');
      const login = await browser.request(`${app.url}/auth/passkey/login`, {
        method: 'POST',
        json: { id: 'x', response: {} },
        headers: { origin: 'https://evil.example' },
      });
      expect(login.status).toBe(403);
    });

    it('refuses a form post (400): JSON only', async () => {
      const response = await new BrowserClient().request(`${app.url}/auth/passkey/challenge`, {
        form: { mode: 'login' },
        headers: SAME_ORIGIN,
      });
      expect(response.status).toBe(400);
      expect(errorCode(await response.text())).toBe('invalid_argument');
    });

    it('refuses a sign-in without its challenge, and a credential the tenant refuses', async () => {
      const authenticator = new SoftwareAuthenticator({ origin: app.url });
      await ceremony(
        new BrowserClient(),
        { mode: 'signup', email: 'web-refused@example.com' },
        (publicKey) => authenticator.create(publicKey),
      );
      const browser = new BrowserClient();
      const noChallenge = await post(browser, '/auth/passkey/login', { id: 'x', response: {} });
      expect(noChallenge.status).toBe(400);
      const phished = await ceremony(browser, { mode: 'login' }, (publicKey) =>
        authenticator.get(publicKey, { origin: 'https://evil.example' }),
      );
      expect(phished.status).toBe(400);
      expect(errorCode(await phished.text())).toBe('passkey_token_error');
      expect(JSON.parse((await browser.navigate(`${app.url}/me`)).body).authenticated).toBe(false);
    });
  });
}
