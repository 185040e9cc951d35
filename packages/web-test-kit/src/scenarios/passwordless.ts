import { BrowserClient, readOutbox } from '@gatehouse/dev-tenant/testing';
import { AUTH_COOKIE_ATTRIBUTES } from '@gatehouse/test-kit/web/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, HTML, type StartTestApp, type TestApp } from '../harness.js';

/** A browser's form post from the app's own page. */
const FORM = { ...HTML, 'sec-fetch-site': 'same-origin' };

/**
 * Passwordless sign-in through a web integration's routes: the code form posted from the app's
 * pages (a form post, and `fetch` with JSON), the recipient remembered in a sealed cookie between
 * the two steps; a post from another site, a wrong code and a burst of starts refused.
 */
export function describePasswordless(startApp: StartTestApp): void {
  describe('passwordless sign-in', () => {
    let app: TestApp;
    let inbox = 0;
    const newEmail = () => `web${++inbox}-${Date.now()}@example.org`;
    const codeFor = async (to: string) =>
      (await readOutbox({ tenantUrl: app.tenant.url, to })).at(-1)?.code ?? '';
    beforeAll(async () => {
      app = await startApp({ tenant: { passwordless: { maxStartsPerMinute: 3 } } });
    });
    afterAll(() => app.close());

    it('signs in with an emailed code through two form posts', async () => {
      const email = newEmail();
      const browser = new BrowserClient();
      const started = await browser.request(`${app.url}/auth/passwordless/start`, {
        form: { email, returnTo: '/me?signed=in', next: '/code-form' },
        headers: FORM,
      });
      expect(started.status).toBe(303);
      expect(started.headers.get('location')).toBe(`${app.url}/code-form`);
      expect(browser.cookies.attributes(app.url, 'gatehouse.passwordless')).toMatchObject(
        AUTH_COOKIE_ATTRIBUTES,
      );
      const verified = await browser.navigate(`${app.url}/auth/passwordless/verify`, {
        form: { code: await codeFor(email) },
        headers: FORM,
      });
      expect(verified.url.href).toBe(`${app.url}/me?signed=in`);
      expect(JSON.parse(verified.body).user).toMatchObject({ email });
      expect(browser.cookies.names(app.url)).not.toContain('gatehouse.passwordless');
    });

    it('answers fetch with JSON, and refuses a wrong code with 400', async () => {
      const email = newEmail();
      const browser = new BrowserClient();
      const json = { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' };
      const post = (path: string, body: unknown) =>
        fetch(`${app.url}${path}`, {
          method: 'POST',
          headers: { ...json, cookie: browser.cookies.headerFor(new URL(app.url)) ?? '' },
          body: JSON.stringify(body),
        });
      const started = await post('/auth/passwordless/start', { email });
      expect(started.status).toBe(200);
      expect(await started.json()).toEqual({ sent: 'code', to: 'email' });
      for (const cookie of started.headers.getSetCookie())
        browser.cookies.store(new URL(app.url), cookie);
      const wrong = await post('/auth/passwordless/verify', { code: '000000' });
      expect(wrong.status).toBe(400);
      expect(await wrong.json()).toMatchObject({ error: 'invalid_grant' });
      const right = await post('/auth/passwordless/verify', { code: await codeFor(email) });
      expect(right.status).toBe(200);
      expect(await right.json()).toEqual({ returnTo: `${app.url}/` });
    });

    it('refuses a sign-in posted from another site', async () => {
      const response = await new BrowserClient().request(`${app.url}/auth/passwordless/verify`, {
        form: { email: 'alice@example.com', code: '123456' },
        headers: { ...HTML, 'sec-fetch-site': 'cross-site' },
      });
      expect(response.status).toBe(403);
      expect(errorCode(await response.text())).toBe('cross_site_request');
    });

    it('passes the tenant’s rate limit on as 429 with Retry-After', async () => {
      const email = newEmail();
      const statuses: Response[] = [];
      for (let start = 0; start < 5; start++) {
        statuses.push(
          await new BrowserClient().request(`${app.url}/auth/passwordless/start`, {
            form: { email },
            headers: FORM,
          }),
        );
      }
      const limited = statuses.find((response) => response.status === 429);
      expect(limited?.headers.get('retry-after')).toMatch(/^\d+$/);
    });
  });
}
