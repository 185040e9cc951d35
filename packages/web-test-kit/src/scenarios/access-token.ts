import { BrowserClient, loginAs } from '@gatehouse/dev-tenant/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, ANALYTICS_API, ORDERS_API, type StartTestApp, type TestApp } from '../harness.js';

const LOGIN_SCOPE = 'openid profile email offline_access';

/** API protection: statuses and `WWW-Authenticate` challenges, scope and claim checks. */
export function describeAccessTokenProtection(start: StartTestApp): void {
  describe('API protection', () => {
    let app: TestApp;
    let ordersToken: string;
    let analyticsToken: string;

    beforeAll(async () => {
      app = await start({
        auth: () => ({
          authorizationParams: {
            audience: ORDERS_API,
            scope: {
              [ORDERS_API]: `${LOGIN_SCOPE} read:orders`,
              [ANALYTICS_API]: 'read:analytics',
            },
          },
        }),
      });
      const browser = new BrowserClient();
      await loginAs(browser, { startUrl: `${app.url}/auth/login`, ...ALICE });
      ordersToken = JSON.parse((await browser.navigate(`${app.url}/token`)).body).accessToken;
      analyticsToken = JSON.parse(
        (await browser.navigate(`${app.url}/token?audience=${encodeURIComponent(ANALYTICS_API)}`))
          .body,
      ).accessToken;
    });
    afterAll(() => app.close());

    const call = (path: string, authorization?: string, headers: Record<string, string> = {}) =>
      fetch(`${app.url}${path}`, {
        headers: authorization ? { ...headers, authorization } : headers,
      });

    describe('requireAccessToken (RFC 6750 statuses and challenges)', () => {
      it('lets a real dev-tenant access token through and sets the verified token on the request', async () => {
        const response = await call('/api/orders', `Bearer ${ordersToken}`);
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({
          sub: 'auth0|alice',
          header: expect.objectContaining({ alg: 'RS256', kid: expect.any(String) }),
          scheme: 'bearer',
        });
      });

      it('answers 401 with a bare challenge when there is no token', async () => {
        const response = await call('/api/orders');
        expect(response.status).toBe(401);
        const challenge = response.headers.get('www-authenticate')!;
        expect(challenge).toMatch(/^Bearer realm="api"/);
        expect(challenge).not.toContain('error=');
      });

      it('treats another scheme as no token', async () => {
        const response = await call('/api/orders', 'Basic dXNlcjpwYXNz');
        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).not.toContain('error=');
      });

      it.each([
        ['a malformed token', 'Bearer not.a.jwt'],
        ['a token with a bad signature', () => `Bearer ${ordersToken.slice(0, -4)}AAAA`],
        ['a token for another API', () => `Bearer ${analyticsToken}`],
      ])('answers 401 invalid_token to %s', async (_what, header) => {
        const response = await call(
          '/api/orders',
          typeof header === 'function' ? header() : header,
        );
        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
        expect((await response.json()).error).toBe('invalid_token');
      });

      it('answers 401 invalid_token to an expired token', async () => {
        const response = await call('/api/in-two-days', `Bearer ${ordersToken}`);
        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
      });

      it('answers 400 invalid_request to a malformed Authorization header', async () => {
        const response = await call('/api/orders', 'Bearer two tokens');
        expect(response.status).toBe(400);
        expect(response.headers.get('www-authenticate')).toContain('error="invalid_request"');
      });

      it('never echoes the token into the challenge', async () => {
        const response = await call('/api/orders', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.x');
        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).not.toContain('eyJ');
      });
    });

    describe('scope and claim checks', () => {
      it('answers 403 insufficient_scope naming the scopes needed', async () => {
        const response = await call('/api/write', `Bearer ${ordersToken}`);
        expect(response.status).toBe(403);
        const challenge = response.headers.get('www-authenticate')!;
        expect(challenge).toContain('error="insufficient_scope"');
        expect(challenge).toContain('scope="read:orders write:orders"');
      });

      it('accepts any one scope with scopeIncludesAny', async () => {
        expect((await call('/api/any', `Bearer ${ordersToken}`)).status).toBe(200);
      });

      it.each([
        ['/api/mine', 200],
        ['/api/bobs', 401],
        ['/api/acme', 401],
        ['/api/has-scope', 200],
        ['/api/checked', 401],
      ])('%s → %i', async (path, status) => {
        const response = await call(path, `Bearer ${ordersToken}`);
        expect(response.status).toBe(status);
        if (status === 401) {
          expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
        }
      });
    });

    it("hands refusals to the app's error handler when asked", async () => {
      const response = await call('/api/next', 'Bearer not.a.jwt');
      expect(response.status).toBe(418);
      expect(await response.json()).toEqual({ status: 401, code: 'malformed_token' });
    });

    describe('a domains resolver (multiple custom domains)', () => {
      it('is told the request URL, on baseUrl, and the request headers', async () => {
        const response = await call('/api/by-brand?page=2', `Bearer ${ordersToken}`, {
          'x-brand': 'main',
        });
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({
          requestUrl: `${app.url}/api/by-brand?page=2`,
          host: new URL(app.url).host,
          brand: 'main',
        });
      });

      it('refuses, with 401 invalid_token, a token whose issuer it did not resolve', async () => {
        const response = await call('/api/by-brand', `Bearer ${ordersToken}`, { 'x-brand': 'b' });
        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
        expect(await response.json()).toMatchObject({ error: 'invalid_token' });
      });
    });

    describe('optional mode (required: false)', () => {
      it('lets an anonymous request through without a verified token', async () => {
        const response = await call('/api/anonymous-ok');
        expect(await response.json()).toEqual({ anonymous: true });
      });

      it('still refuses a bad token', async () => {
        expect((await call('/api/anonymous-ok', 'Bearer not.a.jwt')).status).toBe(401);
      });

      it('fails closed when a scope check meets an anonymous request', async () => {
        const response = await call('/api/anonymous-scoped');
        expect(response.status).toBe(401);
        expect((await call('/api/anonymous-scoped', `Bearer ${ordersToken}`)).status).toBe(200);
      });

      it('works with an ApiClient built by the app', async () => {
        expect((await call('/api/optional', `Bearer ${ordersToken}`)).status).toBe(200);
        expect((await call('/api/optional')).status).toBe(200);
      });
    });
  });
}
