import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryBackend } from '@gatehouse/core';
import { DEFAULT_CLIENTS } from '@gatehouse/dev-tenant';
import {
  BrowserClient,
  DpopKey,
  endUserSessions,
  loginAs,
  machineToken,
  parseForms,
} from '@gatehouse/dev-tenant/testing';
import { FORBIDDEN_IN_ERRORS } from '@gatehouse/test-kit/web/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALICE,
  errorCode,
  HTML,
  ORDERS_API,
  rawGet,
  type StartTestApp,
  type TestApp,
} from '../harness.js';

/**
 * A stand-in for an app's back-channel logout route at the tenant: it keeps each body the tenant
 * posts and answers 200, so a test can send a real logout token to the app itself, in any form.
 */
async function startLogoutTokenSink() {
  const bodies: string[] = [];
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    bodies.push(body);
    res.writeHead(200).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    bodies,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** A sealed value with something in its HMAC salt field (`Fe26.2*id**iv*data**SALT*hmac`). */
const withHmacSalt = (sealed: string, salt: string) =>
  sealed.replace(/\*\*([A-Za-z0-9_-]+)$/, `*${salt}*$1`);

/**
 * The findings of a hostile run against apps built from the READMEs (issue 18), each through a
 * real server: re-encoded seals, cross-site logout and connect, repeated credential headers, a
 * logout token posted as JSON. (Dot segments in `returnTo` are rows of `OPEN_REDIRECT_VECTORS`.)
 */
export function describeHostileRunFindings(start: StartTestApp): void {
  describe('findings of the hostile run', () => {
    let app: TestApp;
    let serverApp: TestApp;
    let sink: Awaited<ReturnType<typeof startLogoutTokenSink>>;
    beforeAll(async () => {
      sink = await startLogoutTokenSink();
      app = await start({
        registerClient: (client) => ({ ...client, backchannelLogoutUri: sink.url }),
      });
      serverApp = await start({
        auth: () => ({ session: { store: { backend: new MemoryBackend() } } }),
      });
    });
    afterAll(async () => {
      await app.close();
      await serverApp.close();
      await sink.close();
    });

    const signIn = async (on: TestApp = app) => {
      const browser = new BrowserClient();
      await loginAs(browser, { startUrl: `${on.url}/auth/login`, ...ALICE });
      return browser;
    };
    const userOf = async (browser: BrowserClient, on: TestApp = app) =>
      JSON.parse((await browser.navigate(`${on.url}/me`)).body).user;

    describe('a seal has one encoding (SECURITY.md rule 5)', () => {
      it.each([
        ['the cookie session', 'gatehouse.session', () => app],
        ['the server session id', 'gatehouse.sid', () => serverApp],
      ])('%s with anything in its salt field is no session', async (_what, prefix, on) => {
        const browser = await signIn(on());
        const names = browser.cookies.names(on().url).filter((name) => name.startsWith(prefix));
        const last = names.sort().at(-1)!;
        const value = browser.cookies.get(on().url, last)!;
        expect(withHmacSalt(value, 'ANYTHING')).not.toBe(value);
        browser.cookies.set(on().url, last, withHmacSalt(value, 'ANYTHING'));
        expect(await userOf(browser, on())).toBeNull();
        browser.cookies.set(on().url, last, value);
        expect(await userOf(browser, on())).toMatchObject({ sub: 'auth0|alice' });
      });
    });

    describe('logout by GET from another site asks first', () => {
      it.each([
        ['cross-site', { 'sec-fetch-site': 'cross-site' }],
        ['same-site (another subdomain)', { 'sec-fetch-site': 'same-site' }],
      ])('%s: a confirm page, and the session is kept', async (_site, headers) => {
        const browser = await signIn();
        const response = await browser.request(`${app.url}/auth/logout?returnTo=%2Fprofile`, {
          headers: { ...HTML, ...headers },
        });
        expect(response.status).toBe(200);
        expect(response.headers.get('cache-control')).toBe('private, no-store');
        expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
        expect(response.headers.get('x-frame-options')).toBe('DENY');
        expect(response.headers.getSetCookie()).toEqual([]);
        const page = await response.text();
        const [form] = parseForms(page, new URL(`${app.url}/auth/logout`));
        expect(form).toMatchObject({ method: 'POST' });
        expect(form!.action.href).toBe(`${app.url}/auth/logout`);
        expect(form!.fields.get('returnTo')).toBe('/profile');
        expect(await userOf(browser)).toMatchObject({ sub: 'auth0|alice' });
        // The user confirms on the app's own page: a same-origin POST, which logs out.
        const out = await browser.submit(
          form!,
          {},
          {
            headers: { 'sec-fetch-site': 'same-origin', origin: app.url },
          },
        );
        expect(out.history.some((url) => url.origin === app.tenant.url)).toBe(true);
        expect(await userOf(browser)).toBeNull();
      });

      it('escapes returnTo in the confirm page', async () => {
        const returnTo = '/x?a="><script>alert(1)</script>';
        const response = await fetch(
          `${app.url}/auth/logout?returnTo=${encodeURIComponent(returnTo)}`,
          { headers: { 'sec-fetch-site': 'cross-site' } },
        );
        const page = await response.text();
        for (const forbidden of FORBIDDEN_IN_ERRORS) expect(page).not.toContain(forbidden);
      });

      it.each([
        ['same-origin', { 'sec-fetch-site': 'same-origin' }],
        ['none (typed or bookmarked)', { 'sec-fetch-site': 'none' }],
        ['absent (an older browser)', {}],
      ])('%s: logs out at once', async (_site, headers) => {
        const browser = await signIn();
        const response = await browser.request(`${app.url}/auth/logout`, { headers });
        expect(response.status).toBe(302);
        expect(new URL(response.headers.get('location')!).origin).toBe(app.tenant.url);
        expect(await userOf(browser)).toBeNull();
      });

      it.each([
        ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
        ['Sec-Fetch-Site: same-site', { 'sec-fetch-site': 'same-site' }],
        ['an Origin of another site', { origin: 'https://evil.example' }],
        ['an opaque Origin', { origin: 'null' }],
      ])('refuses a POST with %s: 403, and the session is kept', async (_what, headers) => {
        const browser = await signIn();
        const response = await browser.request(`${app.url}/auth/logout`, {
          method: 'POST',
          form: { returnTo: '/' },
          headers: { ...HTML, ...headers },
        });
        expect(response.status).toBe(403);
        expect(errorCode(await response.text())).toBe('cross_site_request');
        expect(await userOf(browser)).toMatchObject({ sub: 'auth0|alice' });
      });
    });

    describe('connect never starts from another site', () => {
      const connectUrl = () => `${app.url}/auth/connect?connection=google-oauth2&returnTo=%2Fme`;

      it.each([
        ['cross-site', 'cross-site'],
        ['same-site', 'same-site'],
      ])('%s: 403 cross_site_request, no transaction', async (_site, site) => {
        const browser = await signIn();
        const api = await browser.request(connectUrl(), { headers: { 'sec-fetch-site': site } });
        expect(api.status).toBe(403);
        expect(await api.json()).toMatchObject({ error: 'cross_site_request' });
        const page = await browser.request(connectUrl(), {
          headers: { ...HTML, 'sec-fetch-site': site },
        });
        expect(page.status).toBe(403);
        expect(page.headers.getSetCookie()).toEqual([]);
        expect(page.headers.get('x-frame-options')).toBe('DENY');
        const body = await page.text();
        expect(errorCode(body)).toBe('cross_site_request');
        // A browser that arrives from the tenant's login page (the login connect asked for) goes
        // on with a click on the app's own page: a same-origin request.
        const link = /<a id="continue" href="([^"]+)"/.exec(body)?.[1];
        expect(link && new URL(link.replaceAll('&#38;', '&'), app.url).href).toBe(connectUrl());
        const onward = await browser.request(connectUrl(), {
          headers: { ...HTML, 'sec-fetch-site': 'same-origin' },
        });
        expect(onward.status).toBe(302);
        expect(new URL(onward.headers.get('location')!).origin).toBe(app.tenant.url);
      });
    });

    describe('repeated credential headers are 400 invalid_request (RFC 6750 §3.1)', () => {
      let bearer: string;
      let bound: string;
      const key = new DpopKey();
      beforeAll(async () => {
        const client = DEFAULT_CLIENTS[0]!;
        const grant = {
          tenantUrl: app.tenant.url,
          clientId: client.clientId,
          clientSecret: client.clientSecret!,
          audience: ORDERS_API,
          scope: 'read:orders',
        };
        bearer = (await machineToken(grant)).accessToken;
        bound = (await machineToken({ ...grant, dpop: key })).accessToken;
      });

      it('accepts one Authorization header (the control)', async () => {
        const response = await rawGet(app.url, '/api/orders', {
          authorization: `Bearer ${bearer}`,
        });
        expect(response.status).toBe(200);
      });

      it.each([
        ['two valid Bearer headers', () => [`Bearer ${bearer}`, `Bearer ${bearer}`]],
        ['a junk one, then a valid one', () => ['Bearer junk', `Bearer ${bearer}`]],
        ['a valid one, then a junk one', () => [`Bearer ${bearer}`, 'Bearer junk']],
      ])('%s', async (_what, values) => {
        for (const path of ['/api/orders', '/api/anonymous-ok']) {
          const response = await rawGet(app.url, path, { authorization: values() });
          expect(response.status).toBe(400);
          expect(String(response.headers['www-authenticate'])).toContain('error="invalid_request"');
        }
      });

      // RFC 9449 §4.3: one DPoP header at most; two are a proof failure (400 invalid_dpop_proof),
      // as `@gatehouse/api` answers a repeated DPoP header, however Node joined it.
      it('two DPoP proofs', async () => {
        const proof = () =>
          key.proof({ htm: 'GET', htu: `${app.url}/api/dpop`, accessToken: bound });
        const response = await rawGet(app.url, '/api/dpop', {
          authorization: `DPoP ${bound}`,
          dpop: [proof(), proof()],
        });
        expect(response.status).toBe(400);
        expect(String(response.headers['www-authenticate'])).toContain(
          'error="invalid_dpop_proof"',
        );
      });
    });

    describe('the back-channel logout route takes a form only (OIDC Back-Channel Logout §2.5)', () => {
      it('refuses a real logout token posted as JSON, then takes it as a form', async () => {
        const browser = await signIn();
        sink.bodies.length = 0;
        await endUserSessions(app.tenant.url, 'auth0|alice');
        const token = new URLSearchParams(sink.bodies.at(-1)).get('logout_token');
        expect(token).toBeTruthy();
        const asJson = await fetch(`${app.url}/auth/backchannel-logout`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ logout_token: token }),
        });
        expect(asJson.status).toBe(400);
        expect(await asJson.json()).toMatchObject({ error: 'backchannel_logout_error' });
        expect(await userOf(browser)).toMatchObject({ sub: 'auth0|alice' });
        const asForm = await fetch(`${app.url}/auth/backchannel-logout`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ logout_token: token! }),
        });
        expect(asForm.status).toBe(200);
        expect(await userOf(browser)).toBeNull();
      });
    });
  });
}
