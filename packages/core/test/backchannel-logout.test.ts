import { BrowserClient, endUserSessions, loginAs } from '@gatehouse/dev-tenant/testing';
import { generateTestKey, jwksOf, logoutTokenClaims, signJws } from '@gatehouse/test-kit/tokens';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BackchannelLogoutError,
  MemoryBackend,
  ServerClient,
  ServerStateStore,
} from '../src/index.js';
import { SECRET, startTestApp, type TestApp } from './support/node-app.js';

const ALICE = { email: 'alice@example.com', password: 'alice-password' };
const EVENT_URI = 'http://schemas.openid.net/event/backchannel-logout';
const EVENT = { [EVENT_URI]: {} };

async function logOutAtTheTenant(app: TestApp, browser: BrowserClient) {
  // The user signs out at the tenant (another app, or the tenant's own page): the tenant then
  // POSTs a logout token to this app's back-channel logout route.
  await browser.navigate(`${app.tenant.url}/oidc/logout?client_id=demo-web`);
}

describe('back-channel logout from the dev tenant', () => {
  it('ends a stateless cookie session through the revocation list', async () => {
    const app = await startTestApp();
    try {
      const browser = new BrowserClient();
      await loginAs(browser, { startUrl: `${app.url}/auth/login`, ...ALICE });
      const bystander = new BrowserClient();
      await loginAs(bystander, {
        startUrl: `${app.url}/auth/login`,
        email: 'bob@example.com',
        password: 'bob-password',
      });
      await logOutAtTheTenant(app, browser);
      expect(JSON.parse((await browser.navigate(`${app.url}/me`)).body).user).toBeNull();
      expect(JSON.parse((await bystander.navigate(`${app.url}/me`)).body).user.sub).toBe(
        'auth0|bob',
      );
      // Signing in again afterwards works: the revocation only covers sessions that began before.
      await loginAs(browser, { startUrl: `${app.url}/auth/login`, ...ALICE });
      expect(JSON.parse((await browser.navigate(`${app.url}/me`)).body).user.sub).toBe(
        'auth0|alice',
      );
    } finally {
      await app.close();
    }
  });

  it('deletes the session from a stateful store', async () => {
    const backend = new MemoryBackend();
    const app = await startTestApp({
      stateStore: new ServerStateStore({ secrets: [SECRET], secure: false, backend }),
    });
    try {
      const browser = new BrowserClient();
      await loginAs(browser, { startUrl: `${app.url}/auth/login`, ...ALICE });
      expect(backend.size).toBe(1);
      await logOutAtTheTenant(app, browser);
      expect(backend.size).toBe(0);
      expect(JSON.parse((await browser.navigate(`${app.url}/me`)).body).user).toBeNull();
    } finally {
      await app.close();
    }
  });
});

describe('hostile logout tokens are refused with BackchannelLogoutError', () => {
  let app: TestApp;
  let client: ServerClient;
  let sign: (claims: Record<string, unknown>, header?: Record<string, unknown>) => Promise<string>;
  let jwksFetch: typeof fetch;
  beforeAll(async () => {
    app = await startTestApp();
    const key = await generateTestKey('RS256', { kid: 'test' });
    // Fault injection: the tenant's JWKS is replaced by a key this test holds, so it can sign
    // logout tokens with any claims; discovery and everything else is the real dev tenant.
    jwksFetch = async (input, init) =>
      String(input).endsWith('/.well-known/jwks.json')
        ? Response.json(jwksOf(key))
        : fetch(input, init);
    client = new ServerClient({
      domain: app.tenant.domain,
      clientId: 'demo-web',
      clientSecret: 'unused',
      secret: SECRET,
      fetch: jwksFetch,
    });
    sign = (claims, header = { typ: 'logout+jwt' }) =>
      signJws({ alg: key.alg, kid: key.kid, ...header }, claims, key);
  });
  afterAll(() => app.close());

  const valid = (): Record<string, unknown> =>
    logoutTokenClaims(app.tenant.issuer, 'demo-web', Math.floor(Date.now() / 1000), {
      sub: 'auth0|alice',
      sid: 'tenant-session',
    });

  it('accepts a well-formed token once, and refuses its replay', async () => {
    const token = await sign(valid());
    await expect(client.handleBackchannelLogout({ logoutToken: token })).resolves.toBeUndefined();
    await expect(client.handleBackchannelLogout({ logoutToken: token })).rejects.toThrow(/replay/);
  });

  it('accepts the tenant’s redelivery of a token whose logout failed in the store', async () => {
    // Fault injection: a session store whose first logout fails, as during a Redis outage.
    const backend = new MemoryBackend();
    let failures = 1;
    const deleteByLogout = backend.deleteByLogout.bind(backend);
    backend.deleteByLogout = async (selector) => {
      if (failures-- > 0)
        throw Object.assign(new Error('store down'), { code: 'session_store_unavailable' });
      return deleteByLogout(selector);
    };
    const flaky = new ServerClient({
      domain: app.tenant.domain,
      clientId: 'demo-web',
      clientSecret: 'unused',
      secret: SECRET,
      fetch: jwksFetch,
      stateStore: new ServerStateStore({ secrets: [SECRET], secure: false, backend }),
    });
    const token = await sign(valid());
    await expect(flaky.handleBackchannelLogout({ logoutToken: token })).rejects.toThrow(
      /store down/,
    );
    await expect(flaky.handleBackchannelLogout({ logoutToken: token })).resolves.toBeUndefined();
    await expect(flaky.handleBackchannelLogout({ logoutToken: token })).rejects.toThrow(/replay/);
  });

  it.each([
    ['names another issuer', () => ({ ...valid(), iss: 'https://evil.example/' })],
    ['names another audience', () => ({ ...valid(), aud: 'other-app' })],
    ['is stale', () => ({ ...valid(), iat: Math.floor(Date.now() / 1000) - 3600 })],
    ['has no events claim', () => ({ ...valid(), events: undefined })],
    ['carries another event', () => ({ ...valid(), events: { 'urn:other': {} } })],
    ['has a null back-channel logout event', () => ({ ...valid(), events: { [EVENT_URI]: null } })],
    ['has an array as the event', () => ({ ...valid(), events: { [EVENT_URI]: [] } })],
    ['has a string as the event', () => ({ ...valid(), events: { [EVENT_URI]: '{}' } })],
    ['has an array of events', () => ({ ...valid(), events: [EVENT] })],
    ['carries a nonce (an ID token)', () => ({ ...valid(), nonce: 'n' })],
    ['names neither sid nor sub', () => ({ ...valid(), sub: undefined, sid: undefined })],
    ['has no jti', () => ({ ...valid(), jti: undefined })],
  ])('a token that %s', async (_attack, claims) => {
    const token = await sign(claims());
    await expect(client.handleBackchannelLogout({ logoutToken: token })).rejects.toBeInstanceOf(
      BackchannelLogoutError,
    );
  });

  it.each([
    ['an ID token typ', { typ: 'JWT' }],
    ['an access token typ', { typ: 'at+jwt' }],
  ])('a token with %s', async (_name, header) => {
    const token = await sign(valid(), header);
    await expect(client.handleBackchannelLogout({ logoutToken: token })).rejects.toThrow(/typ/);
  });

  it.each([
    ['an empty token', ''],
    ['garbage', 'not.a.jwt'],
    [
      'an unsigned token',
      `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.`,
    ],
  ])('%s', async (_name, token) => {
    await expect(client.handleBackchannelLogout({ logoutToken: token })).rejects.toBeInstanceOf(
      BackchannelLogoutError,
    );
  });

  it('a token signed by a key the tenant does not publish', async () => {
    const real = new ServerClient({
      domain: app.tenant.domain,
      clientId: 'demo-web',
      clientSecret: 'unused',
      secret: SECRET,
    });
    await expect(
      real.handleBackchannelLogout({ logoutToken: await sign(valid()) }),
    ).rejects.toBeInstanceOf(BackchannelLogoutError);
  });
});

describe('a logout during a refresh', () => {
  it('is not undone when the refresh finishes', async () => {
    const backend = new MemoryBackend();
    let release!: () => void;
    let refreshStarted!: () => void;
    const started = new Promise<void>((resolve) => {
      refreshStarted = resolve;
    });
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Fault injection: the tenant's answer to the refresh is held back until the test lets it go.
    const app = await startTestApp({
      stateStore: new ServerStateStore({ secrets: [SECRET], secure: false, backend }),
      fetch: async (input, init) => {
        const refresh = String(init?.body ?? '').includes('grant_type=refresh_token');
        const response = await fetch(input, init);
        if (refresh) {
          refreshStarted();
          await gate;
        }
        return response;
      },
    });
    try {
      const browser = new BrowserClient();
      await loginAs(browser, { startUrl: `${app.url}/auth/login`, ...ALICE });
      const pending = browser.navigate(`${app.url}/token?forceRefresh`);
      await started;
      await endUserSessions(app.tenant.url, 'auth0|alice');
      expect(backend.size).toBe(0);
      release();
      const result = await pending;
      expect(result.body).toContain('missing_session');
      expect(backend.size).toBe(0);
      expect(JSON.parse((await browser.navigate(`${app.url}/me`)).body).user).toBeNull();
    } finally {
      release();
      await app.close();
    }
  });
});
