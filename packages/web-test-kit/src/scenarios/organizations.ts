import { BrowserClient, createInvitation, loginAs } from '@gatehouse/dev-tenant/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALICE,
  BOB,
  errorCode,
  HTML,
  ORDERS_API,
  type StartTestApp,
  type TestApp,
} from '../harness.js';

const json = async (browser: BrowserClient, url: string) =>
  JSON.parse((await browser.navigate(url)).body);

/**
 * Auth0 organizations through a web integration, against the dev tenant's default organization
 * `org_acme` (`acme`), whose only member is Alice: logging in to it, refusals, `requiresAuth({
 * organization })`, invitation links, and an API that requires the organization.
 */
export function describeOrganizations(startApp: StartTestApp): void {
  describe('organizations', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startApp();
    });
    afterAll(() => app.close());

    it('a member logs in to her organization, and the session shows it', async () => {
      const browser = new BrowserClient();
      await loginAs(browser, { startUrl: `${app.url}/auth/login?organization=org_acme`, ...ALICE });
      const { session } = await json(browser, `${app.url}/session`);
      expect(session.user).toMatchObject({
        sub: 'auth0|alice',
        org_id: 'org_acme',
        org_name: 'acme',
      });
      // Her access token carries the organization: the API that requires it takes it.
      const { accessToken } = await json(
        browser,
        `${app.url}/token?audience=${encodeURIComponent(ORDERS_API)}`,
      );
      const api = await fetch(`${app.url}/api/acme`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      expect(api.status).toBe(200);
    });

    it('a non-member is refused by the tenant, and no session is made', async () => {
      const browser = new BrowserClient();
      const end = await loginAs(browser, {
        startUrl: `${app.url}/auth/login?organization=acme`,
        ...BOB,
      });
      expect(end.response.status).toBe(400);
      expect(errorCode(end.body)).toBe('authorization_error');
      expect((await json(browser, `${app.url}/me`)).user).toBeNull();
    });

    it('requiresAuth({ organization }) sends a session without it through login, and back', async () => {
      const browser = new BrowserClient();
      await loginAs(browser, { startUrl: `${app.url}/auth/login`, ...ALICE });
      expect((await json(browser, `${app.url}/me`)).user.org_id).toBeUndefined();
      // Other clients get 403; a browser goes through the tenant (which knows Alice) and back.
      const api = await browser.request(`${app.url}/acme`);
      expect(api.status).toBe(403);
      expect(await api.json()).toMatchObject({ error: 'insufficient_user_authentication' });
      const page = await browser.navigate(`${app.url}/acme`, { headers: HTML });
      expect(page.url.pathname).toBe('/acme');
      expect(JSON.parse(page.body)).toMatchObject({ org_id: 'org_acme' });
    });

    it('an invitation link makes Bob a member, once', async () => {
      const invitation = await createInvitation({
        tenantUrl: app.tenant.url,
        organization: 'org_acme',
        email: BOB.email,
      });
      expect(new URL(invitation.url).pathname).toBe('/auth/login');
      const browser = new BrowserClient();
      await loginAs(browser, { startUrl: invitation.url, ...BOB });
      expect((await json(browser, `${app.url}/me`)).user).toMatchObject({
        sub: 'auth0|bob',
        org_id: 'org_acme',
      });
      const again = await new BrowserClient().navigate(invitation.url);
      expect(errorCode(again.body)).toBe('authorization_error');
    });
  });
}
