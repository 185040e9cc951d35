import { DEFAULT_USERS } from '@gatehouse/dev-tenant';
import {
  BrowserClient,
  loginAs,
  newTotpSecret,
  readOutbox,
  totpCode,
} from '@gatehouse/dev-tenant/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, BOB, HTML, MFA_ACR, type StartTestApp, type TestApp } from '../harness.js';

/**
 * Step-up through a web integration: `GET /admin` needs a multi-factor sign-in (`acr`) from the
 * last ten minutes. Alice has an authenticator app (every login of hers asks for its code, which
 * the test kit computes); Bob has none (his second factor is a code sent to the outbox).
 */
export function describeStepUp(startApp: StartTestApp): void {
  describe('step-up: requiresAuth({ acrValues, maxAge })', () => {
    const aliceSecret = newTotpSecret();
    let app: TestApp;
    beforeAll(async () => {
      app = await startApp({
        tenant: {
          users: DEFAULT_USERS.map((user) =>
            user.email === ALICE.email ? { ...user, mfa: { totpSecret: aliceSecret } } : user,
          ),
        },
      });
    });
    afterAll(() => app.close());

    /** The newest code the tenant sent to Bob. */
    const bobsCode = async () =>
      (await readOutbox({ tenantUrl: app.tenant.url, to: BOB.email })).at(-1)?.code as string;

    it('sends a session without a second factor through the code and back, and not again', async () => {
      const browser = new BrowserClient();
      await loginAs(browser, { startUrl: `${app.url}/auth/login`, ...BOB });
      const before = JSON.parse((await browser.navigate(`${app.url}/me`)).body).user;
      expect(before.amr).toBeUndefined();
      // Not a browser: 403, no redirect.
      const api = await browser.request(`${app.url}/admin`);
      expect(api.status).toBe(403);
      expect(await api.json()).toMatchObject({ error: 'insufficient_user_authentication' });
      // A browser: through the tenant (which asks only for the code) and back to the page.
      const end = await loginAs(browser, {
        startUrl: `${app.url}/admin`,
        headers: HTML,
        ...BOB,
        otp: bobsCode,
      });
      expect(end.url.pathname).toBe('/admin');
      const user = JSON.parse(end.body);
      expect(user).toMatchObject({ sub: 'auth0|bob', acr: MFA_ACR, amr: ['mfa'] });
      expect(user.auth_time).toBeGreaterThanOrEqual(before.auth_time);
      // Within maxAge, the page lets him in at once.
      const again = await browser.navigate(`${app.url}/admin`, { headers: HTML });
      expect(again.history.map((url) => url.pathname)).toEqual(['/admin']);
    });

    it('a user with an authenticator app: the login asks for its code, then the page lets her in', async () => {
      const browser = new BrowserClient();
      await loginAs(browser, {
        startUrl: `${app.url}/auth/login`,
        ...ALICE,
        otp: () => totpCode(aliceSecret),
      });
      const page = await browser.navigate(`${app.url}/admin`, { headers: HTML });
      expect(page.history.map((url) => url.pathname)).toEqual(['/admin']);
      expect(JSON.parse(page.body)).toMatchObject({ sub: 'auth0|alice', acr: MFA_ACR });
    });

    it('a wrong code keeps the user out of the page', async () => {
      const browser = new BrowserClient();
      await loginAs(browser, { startUrl: `${app.url}/auth/login`, ...BOB });
      const attempt = loginAs(browser, {
        startUrl: `${app.url}/admin`,
        headers: HTML,
        ...BOB,
        otp: async () => ((await bobsCode()) === '000000' ? '111111' : '000000'),
      });
      await expect(attempt).rejects.toThrow(/refused the code/);
      expect((await browser.request(`${app.url}/admin`)).status).toBe(403);
    });
  });
}
