import { BrowserClient, loginAs } from '@gatehouse/dev-tenant/testing';
import {
  AUTH_COOKIE_ATTRIBUTES,
  CALLBACK_ERRORS,
  FORBIDDEN_IN_ERRORS,
  OPEN_REDIRECT_VECTORS,
} from '@gatehouse/test-kit/web/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALICE,
  errorCode,
  FlakyBackend,
  HTML,
  parseSetCookie,
  rawGet,
  type StartTestApp,
  type TestApp,
} from '../harness.js';

/** Open redirects, tampered cookies, escaped errors, cookie attributes, Host forgery, outages. */
export function describeWebSecurity(start: StartTestApp): void {
  describe('security of the web routes', () => {
    let app: TestApp;
    const backend = new FlakyBackend();
    let serverApp: TestApp;
    beforeAll(async () => {
      app = await start({ trustProxy: true });
      serverApp = await start({ auth: () => ({ session: { store: { backend } } }) });
    });
    afterAll(async () => {
      await app.close();
      await serverApp.close();
    });

    describe('open redirects are refused (SECURITY.md rules 1 and 2)', () => {
      it.each(OPEN_REDIRECT_VECTORS)('login returnTo: %s', async (_attack, returnTo) => {
        const browser = new BrowserClient();
        const end = await loginAs(browser, {
          startUrl: `${app.url}/auth/login?returnTo=${encodeURIComponent(returnTo)}`,
          ...ALICE,
        });
        expect(end.url.href).toBe(`${app.url}/`);
      });

      it.each(OPEN_REDIRECT_VECTORS)('logout returnTo: %s', async (_attack, returnTo) => {
        const response = await fetch(
          `${app.url}/auth/logout?returnTo=${encodeURIComponent(returnTo)}`,
          { redirect: 'manual' },
        );
        expect(response.status).toBe(302);
        const location = new URL(response.headers.get('location')!);
        expect(location.origin).toBe(app.tenant.url);
        const back =
          location.searchParams.get('post_logout_redirect_uri') ??
          location.searchParams.get('returnTo');
        expect(back).toBe(`${app.url}/`);
      });
    });

    it('treats a tampered session cookie as no session: 200 or a redirect, never 500', async () => {
      const browser = new BrowserClient();
      await loginAs(browser, { startUrl: `${app.url}/auth/login`, ...ALICE });
      const names = browser.cookies
        .names(app.url)
        .filter((name) => name.startsWith('gatehouse.session'));
      expect(names.length).toBeGreaterThan(0);
      for (const name of names) {
        const value = browser.cookies.get(app.url, name)!;
        browser.cookies.set(app.url, name, `${value.slice(0, -8)}AAAAAAAA`);
      }
      const me = await browser.navigate(`${app.url}/me`);
      expect(me.response.status).toBe(200);
      expect(JSON.parse(me.body)).toEqual({ user: null, authenticated: false });
      const profile = await browser.request(`${app.url}/profile`, { headers: HTML });
      expect(profile.status).toBe(302);
      const api = await browser.request(`${app.url}/profile`);
      expect(api.status).toBe(401);
    });

    it('survives a malformed Cookie header', async () => {
      const response = await fetch(`${app.url}/me`, {
        headers: { cookie: 'gatehouse.session=%%%; =; ;;gatehouse.session.0="x' },
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ user: null, authenticated: false });
    });

    describe('callback errors are named, escaped and never reflected (rule 10)', () => {
      it.each(CALLBACK_ERRORS)('%s: HTML page', async (_what, query, code) => {
        const response = await fetch(`${app.url}/auth/callback${query}`, { headers: HTML });
        expect(response.status).toBe(400);
        expect(response.headers.get('content-type')).toMatch(/^text\/html/);
        expect(response.headers.get('content-security-policy')).toBe("default-src 'none'");
        const body = await response.text();
        expect(errorCode(body)).toBe(code);
        for (const forbidden of FORBIDDEN_IN_ERRORS) expect(body).not.toContain(forbidden);
      });

      it.each(CALLBACK_ERRORS)('%s: JSON', async (_what, query, code) => {
        const response = await fetch(`${app.url}/auth/callback${query}`, {
          headers: { accept: 'application/json' },
        });
        expect(response.status).toBe(400);
        expect(await response.json()).toMatchObject({
          error: code,
          error_description: expect.any(String),
        });
      });

      it('shows the tenant description escaped', async () => {
        const response = await fetch(
          `${app.url}/auth/callback?error=access_denied&error_description=${encodeURIComponent('<b>"no"</b>')}`,
          { headers: HTML },
        );
        expect(await response.text()).toContain('&#60;b&#62;&#34;no&#34;&#60;/b&#62;');
      });
    });

    it('marks every cookie-changing response no-store, with HttpOnly, SameSite=Lax, Path=/ and no Secure over http', async () => {
      const browser = new BrowserClient();
      const login = await browser.request(`${app.url}/auth/login`);
      expect(login.headers.get('cache-control')).toBe('private, no-store');
      const isCallback = (url: URL) => url.pathname === '/auth/callback';
      const back = await loginAs(browser, {
        startUrl: login.headers.get('location')!,
        ...ALICE,
        stopBefore: isCallback,
      });
      const callback = await browser.request(back.history.at(-1)!);
      expect(callback.status).toBe(302);
      const logout = await browser.request(`${app.url}/auth/logout`);
      for (const response of [login, callback, logout]) {
        expect(response.headers.get('cache-control')).toBe('private, no-store');
        const cookies = response.headers.getSetCookie().map(parseSetCookie);
        expect(cookies.length).toBeGreaterThan(0);
        for (const { attributes } of cookies) {
          expect(attributes).toMatchObject(AUTH_COOKIE_ATTRIBUTES);
          expect(attributes.secure).toBeUndefined();
        }
      }
      expect(
        callback.headers
          .getSetCookie()
          .map(parseSetCookie)
          .map((c) => c.name),
      ).toContain('gatehouse.session');
    });

    it('builds URLs from appBaseUrl, never from Host or X-Forwarded-* (trust proxy on)', async () => {
      const forged = {
        host: 'evil.example',
        'x-forwarded-host': 'evil.example',
        'x-forwarded-proto': 'https',
      };
      const login = await rawGet(app.url, '/auth/login?returnTo=/profile', forged);
      const authorize = new URL(login.headers.location as string);
      expect(authorize.searchParams.get('redirect_uri')).toBe(`${app.url}/auth/callback`);
      expect(String(login.headers['set-cookie'])).not.toMatch(/Secure/i);
      const profile = await rawGet(app.url, '/profile', { ...forged, accept: 'text/html' });
      expect(profile.headers.location).toBe(`${app.url}/auth/login?returnTo=%2Fprofile`);
      const absoluteForm = await rawGet(app.url, 'http://evil.example/profile', {
        accept: 'text/html',
      });
      expect(absoluteForm.headers.location).toBe(`${app.url}/auth/login?returnTo=%2Fprofile`);
    });

    it('answers 503 when the session store is down, and requiresAuth fails closed', async () => {
      const browser = new BrowserClient();
      await loginAs(browser, { startUrl: `${serverApp.url}/auth/login`, ...ALICE });
      expect((await browser.request(`${serverApp.url}/profile`)).status).toBe(200);
      backend.down = true;
      try {
        const page = await browser.request(`${serverApp.url}/profile`, { headers: HTML });
        expect(page.status).toBe(503);
        expect(page.headers.get('retry-after')).toBe('2');
        const body = await page.text();
        expect(errorCode(body)).toBe('session_store_unavailable');
        expect(body).not.toContain('ECONNREFUSED');
        const api = await browser.request(`${serverApp.url}/profile`);
        expect(api.status).toBe(503);
        expect(await api.json()).toMatchObject({ error: 'session_store_unavailable' });
      } finally {
        backend.down = false;
      }
    });
  });

  describe('cookies of an app served over https', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await start({ auth: () => ({ appBaseUrl: 'https://app.example.com' }) });
    });
    afterAll(() => app.close());

    it('are Secure, and the callback is on the https origin', async () => {
      const login = await fetch(`${app.url}/auth/login`, { redirect: 'manual' });
      const cookies = login.headers.getSetCookie().map(parseSetCookie);
      expect(cookies.length).toBeGreaterThan(0);
      for (const { attributes } of cookies) {
        expect(attributes).toMatchObject({ ...AUTH_COOKIE_ATTRIBUTES, secure: true });
      }
      const authorize = new URL(login.headers.get('location')!);
      expect(authorize.searchParams.get('redirect_uri')).toBe(
        'https://app.example.com/auth/callback',
      );
    });
  });

  describe('a tenant that cannot be reached', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await start({ auth: () => ({ domain: 'http://127.0.0.1:9', httpTimeout: 2000 }) });
    });
    afterAll(() => app.close());

    it('gives a generic 500 page with the error code, no stack, no internals', async () => {
      const response = await fetch(`${app.url}/auth/login`, { headers: HTML, redirect: 'manual' });
      expect(response.status).toBe(500);
      const body = await response.text();
      expect(errorCode(body)).toBe('discovery_error');
      expect(body).toContain('Something went wrong');
      for (const forbidden of FORBIDDEN_IN_ERRORS) expect(body).not.toContain(forbidden);
      expect(body).not.toContain('127.0.0.1:9');
    });
  });
}
