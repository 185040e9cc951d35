import { BrowserClient, loginAs } from '@gatehouse/dev-tenant/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieStateStore, MemoryBackend, ServerStateStore } from '../src/index.js';
import { SECRET, startTestApp, type TestApp } from './support/node-app.js';

const ALICE = { email: 'alice@example.com', password: 'alice-password' };
const BOB = { email: 'bob@example.com', password: 'bob-password' };

const stores = {
  'stateless cookie store': () => new CookieStateStore({ secrets: [SECRET], secure: false }),
  'stateful server store': () =>
    new ServerStateStore({ secrets: [SECRET], secure: false, backend: new MemoryBackend() }),
};

describe.each(Object.entries(stores))('login with the %s', (_name, makeStore) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ stateStore: makeStore() });
  });
  afterAll(() => app.close());

  const me = async (browser: BrowserClient) =>
    JSON.parse((await browser.navigate(`${app.url}/me`)).body).user;

  it('logs in, reads the user and session, and logs out', async () => {
    const browser = new BrowserClient();
    expect(await me(browser)).toBeNull();
    const end = await loginAs(browser, { startUrl: `${app.url}/auth/login`, ...ALICE });
    expect(end.url.href).toBe(`${app.url}/me`);
    expect(JSON.parse(end.body).user).toMatchObject({
      sub: 'auth0|alice',
      email: 'alice@example.com',
    });

    const { session } = JSON.parse((await browser.navigate(`${app.url}/session`)).body);
    expect(session).toMatchObject({
      user: { sub: 'auth0|alice' },
      idToken: expect.any(String),
      refreshToken: expect.any(String),
    });
    expect(session).not.toHaveProperty('internal');
    // Rolling by default: the session ends a day after its last use, at most 7 days after sign-in.
    expect(session.expiresAt - session.createdAt).toBe(86_400);
    expect(session.tokenSets).toEqual([
      expect.objectContaining({
        audience: 'default',
        accessToken: expect.any(String),
        expiresAt: expect.any(Number),
      }),
    ]);

    const out = await browser.navigate(`${app.url}/auth/logout`);
    expect(out.url.href).toBe(`${app.url}/`);
    expect(await me(browser)).toBeNull();
    // The tenant session ended too: the next login shows the form again.
    const again = await browser.navigate(`${app.url}/auth/login`);
    expect(again.body).toContain('name="password"');
  });

  it('completes two logins started in two tabs of one browser', async () => {
    const browser = new BrowserClient();
    const isCallback = (url: URL) => url.pathname === '/auth/callback';
    const tabA = await browser.navigate(`${app.url}/auth/login`);
    const tabB = await browser.navigate(`${app.url}/auth/login`);
    const formOf = (page: typeof tabA) => {
      const match = /action="([^"]+)"/.exec(page.body);
      return new URL(match?.[1] ?? '', page.url);
    };
    const submit = (page: typeof tabA) =>
      browser.navigate(formOf(page), {
        form: { username: ALICE.email, password: ALICE.password },
        stopBefore: isCallback,
      });
    const callbackB = (await submit(tabB)).history.at(-1)!;
    const callbackA = (await submit(tabA)).history.at(-1)!;
    expect((await browser.navigate(callbackB)).url.pathname).toBe('/me');
    expect((await browser.navigate(callbackA)).url.pathname).toBe('/me');
    expect(await me(browser)).toMatchObject({ sub: 'auth0|alice' });
  });

  it('keeps at most five pending login transactions per browser, dropping the oldest', async () => {
    const browser = new BrowserClient();
    const states: string[] = [];
    for (let attempt = 0; attempt < 7; attempt += 1) {
      const response = await browser.request(`${app.url}/auth/login`);
      states.push(new URL(response.headers.get('location')!).searchParams.get('state')!);
    }
    const pending = browser.cookies
      .names(app.url)
      .filter((name) => name.startsWith('gatehouse.tx.'));
    expect(pending.sort()).toEqual(
      states
        .slice(2)
        .map((state) => `gatehouse.tx.${state}`)
        .sort(),
    );
  });

  it('gives a second user on the same browser a fresh session', async () => {
    const browser = new BrowserClient();
    await loginAs(browser, { startUrl: `${app.url}/auth/login`, ...ALICE });
    const before = JSON.parse((await browser.navigate(`${app.url}/session`)).body).session;
    await loginAs(browser, { startUrl: `${app.url}/auth/login?prompt=login`, ...BOB });
    const after = JSON.parse((await browser.navigate(`${app.url}/session`)).body).session;
    expect(after.user.sub).toBe('auth0|bob');
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(JSON.stringify(after)).not.toContain(before.tokenSets[0].accessToken);
  });
});

describe('a large session', () => {
  const bigClaims = { team_roster: 'x'.repeat(3700) };
  it.each(Object.entries(stores))('works with the %s', async (_name, makeStore) => {
    const app = await startTestApp(
      { stateStore: makeStore() },
      { users: [{ ...ALICE, idTokenClaims: bigClaims }] },
    );
    try {
      const browser = new BrowserClient();
      const setCookies: string[] = [];
      const request = browser.request.bind(browser);
      browser.request = async (url, init) => {
        const response = await request(url, init);
        setCookies.push(...response.headers.getSetCookie());
        return response;
      };
      const end = await loginAs(browser, { startUrl: `${app.url}/auth/login`, ...ALICE });
      expect(JSON.parse(end.body).user.team_roster).toHaveLength(3700);
      const session = (await browser.navigate(`${app.url}/session`)).body;
      expect(session.length).toBeGreaterThan(10_000);
      for (const header of setCookies) expect(Buffer.byteLength(header)).toBeLessThanOrEqual(4096);
    } finally {
      await app.close();
    }
  });
});
