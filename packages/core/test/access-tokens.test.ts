import { BrowserClient, loginAs } from '@gatehouse/dev-tenant/testing';
import { decodeJwt } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { countingFetch, errorCode, startTestApp, type TestApp } from './support/node-app.js';

const ALICE = { email: 'alice@example.com', password: 'alice-password' };
const API = 'https://api.example.com';
const ANALYTICS = 'https://analytics.example.com';

afterEach(() => vi.useRealTimers());

async function signedIn(app: TestApp, query = '') {
  const browser = new BrowserClient();
  await loginAs(browser, { startUrl: `${app.url}/auth/login${query}`, ...ALICE });
  return browser;
}
const json = async (browser: BrowserClient, path: string) => {
  const page = await browser.navigate(`${(browser as BrowserClient & { app: string }).app}${path}`);
  return page.response.status === 200 ? JSON.parse(page.body) : { errorCode: errorCode(page.body) };
};
const at = (app: TestApp, browser: BrowserClient) => Object.assign(browser, { app: app.url });

describe('getAccessToken', () => {
  const counter = countingFetch();
  let app: TestApp;
  beforeAll(async () => {
    // Ten-minute access tokens, so expiry can be reached while the session lives.
    const apis = [
      { identifier: API, scopes: 'read:orders write:orders', accessTokenLifetime: 600 },
      { identifier: ANALYTICS, scopes: 'read:analytics write:analytics', accessTokenLifetime: 600 },
    ];
    app = await startTestApp(
      { fetch: counter.fetch, authorizationParams: { redirect_uri: '', audience: API } },
      { apis },
      undefined,
      {
        scope: 'openid profile email offline_access read:orders',
      },
    );
  });
  afterAll(() => app.close());

  it('returns the login token from the cache without asking the tenant', async () => {
    const browser = at(app, await signedIn(app));
    const before = counter.count('refresh_token');
    const token = await json(browser, '/token');
    expect(decodeJwt(token.accessToken)).toMatchObject({ aud: API, scope: 'read:orders' });
    expect(token.audience).toBe(API);
    expect(counter.count('refresh_token')).toBe(before);
  });

  it('gets a token for a second audience through the refresh token, then caches it', async () => {
    const browser = at(app, await signedIn(app));
    const before = counter.count('refresh_token');
    const token = await json(browser, `/token?audience=${encodeURIComponent(ANALYTICS)}`);
    expect(decodeJwt(token.accessToken)).toMatchObject({
      aud: ANALYTICS,
      scope: 'read:analytics write:analytics',
    });
    expect(counter.count('refresh_token')).toBe(before + 1);
    const again = await json(browser, `/token?audience=${encodeURIComponent(ANALYTICS)}`);
    expect(again.accessToken).toBe(token.accessToken);
    expect(counter.count('refresh_token')).toBe(before + 1);
  });

  it('asks for extra scopes merged with the audience defaults', async () => {
    const browser = at(app, await signedIn(app));
    const token = await json(browser, '/token?scope=write:orders');
    expect(decodeJwt(token.accessToken).scope).toBe('read:orders write:orders');
    expect(token.scope.split(' ')).toEqual(
      expect.arrayContaining(['openid', 'read:orders', 'write:orders']),
    );
    // The narrower cached token still answers a request without the extra scope.
    const plain = await json(browser, '/token');
    expect(decodeJwt(plain.accessToken).scope).toBe('read:orders');
  });

  it('refreshes once the token is within the leeway of its expiry, and on forceRefresh', async () => {
    const browser = at(app, await signedIn(app));
    const first = await json(browser, '/token');
    const before = counter.count('refresh_token');
    vi.useFakeTimers({ toFake: ['Date'], now: (first.expiresAt - 59) * 1000 });
    const renewed = await json(browser, '/token');
    expect(renewed.accessToken).not.toBe(first.accessToken);
    expect(counter.count('refresh_token')).toBe(before + 1);
    vi.useRealTimers();
    const forced = await json(browser, '/token?forceRefresh');
    expect(forced.accessToken).not.toBe(renewed.accessToken);
    expect(counter.count('refresh_token')).toBe(before + 2);
  });

  it('sends 20 concurrent requests on an expired token to the tenant as one refresh', async () => {
    const browser = at(app, await signedIn(app));
    const first = await json(browser, '/token');
    vi.useFakeTimers({ toFake: ['Date'], now: (first.expiresAt + 10) * 1000 });
    const before = counter.count('refresh_token');
    const tokens = await Promise.all(Array.from({ length: 20 }, () => json(browser, '/token')));
    expect(new Set(tokens.map((token) => token.accessToken)).size).toBe(1);
    expect(counter.count('refresh_token')).toBe(before + 1);
  });

  it('never shares a refresh between two sessions', async () => {
    const alice = at(app, await signedIn(app));
    const bob = at(app, new BrowserClient());
    await loginAs(bob, {
      startUrl: `${app.url}/auth/login`,
      email: 'bob@example.com',
      password: 'bob-password',
    });
    const [a, b] = await Promise.all([
      json(alice, `/token?forceRefresh&audience=${encodeURIComponent(ANALYTICS)}`),
      json(bob, `/token?forceRefresh&audience=${encodeURIComponent(ANALYTICS)}`),
    ]);
    expect(decodeJwt(a.accessToken).sub).toBe('auth0|alice');
    expect(decodeJwt(b.accessToken).sub).toBe('auth0|bob');
  });

  it('fails with audience_mismatch when the tenant falls back to another audience', async () => {
    const browser = at(app, await signedIn(app));
    const result = await json(
      browser,
      `/token?audience=${encodeURIComponent('https://unlisted.example.com')}`,
    );
    expect(result.errorCode).toBe('audience_mismatch');
  });

  it('names a missing session', async () => {
    const result = await json(at(app, new BrowserClient()), '/token');
    expect(result.errorCode).toBe('missing_session');
  });
});

describe('refresh-token rotation', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({}, {}, (client) => ({ ...client, refreshTokenRotation: true }));
  });
  afterAll(() => app.close());

  it.each([
    ['concurrently', ''],
    ['one after another', '&sequential'],
  ])(
    'refreshes two audiences in one request %s and keeps a working refresh token',
    async (_how, flag) => {
      const browser = at(app, await signedIn(app));
      const before = (await json(browser, '/session')).session.refreshToken;
      const tokens = await json(
        browser,
        `/tokens?audiences=${encodeURIComponent(`${API},${ANALYTICS}`)}${flag}`,
      );
      expect(
        tokens.map((token: { accessToken: string }) => decodeJwt(token.accessToken).aud),
      ).toEqual([API, ANALYTICS]);
      const after = (await json(browser, '/session')).session.refreshToken;
      expect(after).not.toBe(before);
      // The stored refresh token is the newest: a further refresh succeeds (reusing an old one
      // would make the tenant revoke the whole grant).
      expect((await json(browser, '/token?forceRefresh')).accessToken).toEqual(expect.any(String));
    },
  );
});

describe('a login without offline_access', () => {
  it('has no refresh token, and says so', async () => {
    const app = await startTestApp({
      authorizationParams: { redirect_uri: '', scope: 'openid profile' },
    });
    try {
      const browser = at(app, await signedIn(app));
      expect((await json(browser, '/token?forceRefresh')).errorCode).toBe('missing_refresh_token');
    } finally {
      await app.close();
    }
  });
});
