import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevTenant, startDevTenant } from '../src/index.js';
import { type BrowserClient, parseForms } from '../src/testing/index.js';
import { authorize } from './helpers.js';

let tenant: DevTenant;
beforeAll(async () => {
  tenant = await startDevTenant();
});
afterAll(() => tenant.close());

const loginPageShown = async (browser: BrowserClient) => {
  const page = await browser.navigate(
    `${tenant.url}/authorize?${new URLSearchParams({
      client_id: 'demo-web',
      response_type: 'code',
      redirect_uri: 'http://localhost:3000/auth/callback',
      scope: 'openid',
    })}`,
    { stopBefore: (url) => url.port === '3000' },
  );
  return parseForms(page.body, page.url).some((form) => form.fields.has('password'));
};

describe('logout', () => {
  it('/v2/logout ends the tenant session and returns to an allowed URL', async () => {
    const { browser } = await authorize(tenant);
    expect(await loginPageShown(browser)).toBe(false);

    const end = await browser.navigate(
      `${tenant.url}/v2/logout?client_id=demo-web&returnTo=${encodeURIComponent('http://localhost:3000/')}`,
      { stopBefore: (url) => url.port === '3000' },
    );
    expect(end.history.at(-1)?.href).toBe('http://localhost:3000/');
    expect(await loginPageShown(browser)).toBe(true);
  });

  it('/v2/logout refuses a returnTo outside the allowed logout URLs', async () => {
    const response = await fetch(
      `${tenant.url}/v2/logout?client_id=demo-web&returnTo=${encodeURIComponent('https://evil.example/')}`,
      { redirect: 'manual' },
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('/oidc/logout (RP-initiated) ends the session too', async () => {
    const { browser } = await authorize(tenant);
    const end = await browser.navigate(
      `${tenant.url}/oidc/logout?client_id=demo-web&post_logout_redirect_uri=${encodeURIComponent('http://localhost:3000/')}`,
      { stopBefore: (url) => url.port === '3000' },
    );
    expect(end.history.at(-1)?.href).toBe('http://localhost:3000/');
    expect(await loginPageShown(browser)).toBe(true);
  });

  it('/v2/logout without returnTo shows a signed-out page', async () => {
    const { browser } = await authorize(tenant);
    const end = await browser.navigate(`${tenant.url}/v2/logout`);
    expect(end.response.status).toBe(200);
    expect(end.body).toContain('signed out');
    expect(await loginPageShown(browser)).toBe(true);
  });
});
