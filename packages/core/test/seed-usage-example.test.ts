import { BrowserClient, loginAs } from '@gatehouse/dev-tenant/testing';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, startTestApp, type TestApp } from './support/node-app.js';

/**
 * The "Usage Example" of the Multi-Resource Refresh Token seed document (RetrievingData), as a
 * test. Two deliberate deviations, both from the seed's own warnings: the default audience's scope
 * includes offline_access (without it there is no refresh token to get other audiences with), and
 * the second call names https://analytics.example.com, the API its comment says it returns; the
 * literal https://data-api.example.com is outside the refresh-token policies, so the tenant falls
 * back to the default audience and the SDK refuses that token (last test).
 */
const API = 'https://api.example.com';
const ANALYTICS = 'https://analytics.example.com';

let app: TestApp;
let browser: BrowserClient;
beforeAll(async () => {
  app = await startTestApp(
    { authorizationParams: { redirect_uri: '' } },
    {
      apis: [
        { identifier: API, scopes: 'read:orders write:orders write:admin' },
        { identifier: ANALYTICS, scopes: 'read:analytics write:analytics' },
      ],
    },
    (client) => ({
      ...client,
      refreshTokenPolicies: [
        { audience: API, scope: 'read:orders write:orders write:admin' },
        { audience: ANALYTICS, scope: 'read:analytics write:analytics' },
      ],
    }),
    {
      audience: API,
      scope: {
        [API]: 'openid email profile offline_access',
        [ANALYTICS]: 'read:analytics write:analytics',
      },
    },
  );
  browser = new BrowserClient();
  await loginAs(browser, {
    startUrl: `${app.url}/auth/login`,
    email: 'alice@example.com',
    password: 'alice-password',
  });
});
afterAll(() => app.close());

const token = async (query: string) => {
  const page = await browser.navigate(`${app.url}/token${query}`);
  return page.response.status === 200 ? JSON.parse(page.body) : { errorCode: errorCode(page.body) };
};
const scopes = (value: string) => value.split(' ').sort();

describe('seed: Multi-Resource Refresh Tokens, Usage Example', () => {
  it('get_access_token() returns a token for https://api.example.com with openid, email and profile', async () => {
    const result = await token('');
    expect(decodeJwt(result.accessToken).aud).toBe(API);
    expect(scopes(result.scope)).toEqual(expect.arrayContaining(['email', 'openid', 'profile']));
  });

  it('get_access_token(audience=analytics) returns read:analytics and write:analytics', async () => {
    const result = await token(`?audience=${encodeURIComponent(ANALYTICS)}`);
    expect(decodeJwt(result.accessToken)).toMatchObject({
      aud: ANALYTICS,
      scope: 'read:analytics write:analytics',
    });
    expect(scopes(result.scope)).toEqual(['read:analytics', 'write:analytics']);
  });

  it('get_access_token(audience=api, scope="write:admin") returns openid, email, profile and write:admin', async () => {
    const result = await token(`?audience=${encodeURIComponent(API)}&scope=write:admin`);
    expect(decodeJwt(result.accessToken)).toMatchObject({ aud: API, scope: 'write:admin' });
    expect(scopes(result.scope)).toEqual(
      expect.arrayContaining(['email', 'openid', 'profile', 'write:admin']),
    );
  });

  it('refuses the fallback token for an audience outside the policies (the seed warning)', async () => {
    expect(
      (await token(`?audience=${encodeURIComponent('https://data-api.example.com')}`)).errorCode,
    ).toBe('audience_mismatch');
  });
});
