import type { DevUserConfig } from '@gatehouse/dev-tenant';
import { BrowserClient, loginAs } from '@gatehouse/dev-tenant/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { countingFetch, errorCode, startTestApp, type TestApp } from './support/node-app.js';

const ALICE = { email: 'alice@example.com', password: 'alice-password' };
const now = () => Math.floor(Date.now() / 1000);
const TOKEN_VAULT =
  'urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token';

afterEach(() => vi.useRealTimers());

async function withApp(
  users: DevUserConfig[],
  test: (app: TestApp, browser: BrowserClient, loginCookies: string[]) => Promise<void>,
  overrides: Parameters<typeof startTestApp>[0] = {},
) {
  const app = await startTestApp(overrides, { users });
  try {
    const browser = new BrowserClient();
    const cookies: string[] = [];
    const end = await loginAs(browser, { startUrl: `${app.url}/auth/login`, ...ALICE });
    for (const url of end.history) if (url.pathname === '/auth/callback') cookies.push(url.href);
    await test(app, browser, cookies);
  } finally {
    await app.close();
  }
}

const page = async (browser: BrowserClient, url: string) => {
  const result = await browser.navigate(url);
  return result.response.status === 200
    ? JSON.parse(result.body)
    : { errorCode: errorCode(result.body) };
};

describe('the session_expiry ceiling', () => {
  it.each([
    ['milliseconds', (t: number) => t * 1000],
    ['a numeric string', (t: number) => String(t)],
    ['zero', () => 0],
    ['a negative number', () => -1],
    ['a boolean', () => true],
    ['a fraction', (t: number) => t + 0.5],
  ])('means "no ceiling" when the tenant sends %s', async (_kind, value) => {
    await withApp(
      [{ ...ALICE, idTokenClaims: () => ({ session_expiry: value(now() + 120) }) }],
      async (app, browser) => {
        const { user } = await page(browser, `${app.url}/me`);
        expect(user.sub).toBe('auth0|alice');
        expect(user).not.toHaveProperty('session_expiry');
        vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 3600_000 });
        expect((await page(browser, `${app.url}/me`)).user.sub).toBe('auth0|alice');
      },
    );
  });

  it('caps the cookie lifetime, survives refreshes unchanged, and ends token access when reached', async () => {
    const ceiling = now() + 3600;
    await withApp(
      [{ ...ALICE, idTokenClaims: { session_expiry: ceiling } }],
      async (app, browser) => {
        const maxAge = Number(
          /Max-Age=(\d+)/.exec(
            (await browser.request(`${app.url}/token?forceRefresh`)).headers.getSetCookie()[0] ??
              '',
          )?.[1],
        );
        expect(maxAge).toBeGreaterThan(3500);
        expect(maxAge).toBeLessThanOrEqual(3600);
        expect((await page(browser, `${app.url}/me`)).user.session_expiry).toBe(ceiling);

        vi.useFakeTimers({ toFake: ['Date'], now: (ceiling - 29) * 1000 });
        expect((await page(browser, `${app.url}/token`)).errorCode).toBe('session_expired');
        vi.useRealTimers();
        // The session was deleted: nothing is left to read, even before the ceiling.
        expect((await page(browser, `${app.url}/me`)).user).toBeNull();
      },
    );
  });

  it('does not gate Token Vault tokens', async () => {
    const ceiling = now() + 3600;
    await withApp(
      [
        {
          ...ALICE,
          idTokenClaims: { session_expiry: ceiling },
          connectedAccounts: [{ connection: 'google-oauth2' }],
        },
      ],
      async (app, browser) => {
        vi.useFakeTimers({ toFake: ['Date'], now: (ceiling - 10) * 1000 });
        const token = await page(browser, `${app.url}/connection-token?connection=google-oauth2`);
        expect(token.accessToken).toMatch(/^upstream\.google-oauth2\./);
      },
    );
  });
});

describe('getAccessTokenForConnection (Token Vault)', () => {
  it('fetches, caches, refetches after expiry, and the token works upstream', async () => {
    const counter = countingFetch();
    await withApp(
      [
        {
          ...ALICE,
          connectedAccounts: [{ connection: 'google-oauth2', scopes: 'email calendar.readonly' }],
        },
      ],
      async (app, browser) => {
        const first = await page(browser, `${app.url}/connection-token?connection=google-oauth2`);
        expect(first).toMatchObject({
          connection: 'google-oauth2',
          scope: 'email calendar.readonly',
        });
        expect(first.expiresAt).toBeGreaterThan(now() + 3500);
        const upstream = await fetch(`${app.tenant.url}/upstream/google-oauth2/me`, {
          headers: { authorization: `Bearer ${first.accessToken}` },
        });
        expect(await upstream.json()).toMatchObject({
          user: 'auth0|alice',
          account: 'alice@example.com',
        });

        const cached = await page(browser, `${app.url}/connection-token?connection=google-oauth2`);
        expect(cached.accessToken).toBe(first.accessToken);
        expect(counter.count(TOKEN_VAULT)).toBe(1);

        vi.useFakeTimers({ toFake: ['Date'], now: (first.expiresAt - 30) * 1000 });
        const renewed = await page(browser, `${app.url}/connection-token?connection=google-oauth2`);
        expect(renewed.accessToken).not.toBe(first.accessToken);
        expect(counter.count(TOKEN_VAULT)).toBe(2);
      },
      { fetch: counter.fetch },
    );
  });

  it('names the tenant refusal when the account is not connected', async () => {
    await withApp([ALICE], async (app, browser) => {
      expect(
        (await page(browser, `${app.url}/connection-token?connection=google-oauth2`)).errorCode,
      ).toBe('api_error');
    });
  });

  it('names a missing session', async () => {
    const app = await startTestApp();
    try {
      expect(
        (await page(new BrowserClient(), `${app.url}/connection-token?connection=google-oauth2`))
          .errorCode,
      ).toBe('missing_session');
    } finally {
      await app.close();
    }
  });
});
