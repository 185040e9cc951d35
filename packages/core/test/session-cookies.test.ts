import { BrowserClient, loginAs } from '@gatehouse/dev-tenant/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CookieStateStore, MemoryBackend, ServerClient, ServerStateStore } from '../src/index.js';
import { SECRET, startTestApp, type TestApp } from './support/node-app.js';

const ALICE = { email: 'alice@example.com', password: 'alice-password' };
const SESSION = 'gatehouse.session';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());
afterEach(() => vi.useRealTimers());

async function signedIn() {
  const browser = new BrowserClient();
  await loginAs(browser, { startUrl: `${app.url}/auth/login`, ...ALICE });
  return browser;
}
const user = async (browser: BrowserClient) =>
  JSON.parse((await browser.navigate(`${app.url}/me`)).body).user;

describe('hostile session cookies are "no session", never an error (SECURITY.md rule 5)', () => {
  const tamper = {
    'flips one character': (value: string) =>
      value.slice(0, 40) + (value[40] === 'a' ? 'b' : 'a') + value.slice(41),
    'truncates the seal': (value: string) => value.slice(0, value.length - 10),
    'sends garbage': () => 'not-a-seal',
    'sends an empty value': () => '',
    'sends 12 KB of junk': () => 'Fe26.2*'.padEnd(12_000, 'x'),
  };
  it.each(Object.entries(tamper))('the browser %s', async (_attack, change) => {
    const browser = await signedIn();
    browser.cookies.set(app.url, SESSION, change(browser.cookies.get(app.url, SESSION)!));
    const response = await browser.navigate(`${app.url}/me`);
    expect(response.response.status).toBe(200);
    expect(JSON.parse(response.body).user).toBeNull();
  });

  it('a cookie sealed with another secret', async () => {
    const other = await startTestApp({ secret: 'another-secret-that-is-32-characters-or-more' });
    try {
      const browser = new BrowserClient();
      await loginAs(browser, { startUrl: `${other.url}/auth/login`, ...ALICE });
      const foreign = browser.cookies.get(other.url, SESSION)!;
      const victim = new BrowserClient();
      victim.cookies.set(app.url, SESSION, foreign);
      expect(await user(victim)).toBeNull();
    } finally {
      await other.close();
    }
  });

  it('a transaction cookie pasted into the session cookie (rule 3)', async () => {
    const browser = new BrowserClient();
    await browser.navigate(`${app.url}/auth/login`);
    const transaction = browser.cookies
      .names(app.url)
      .find((name) => name.startsWith('gatehouse.tx.'))!;
    browser.cookies.set(app.url, SESSION, browser.cookies.get(app.url, transaction)!);
    expect(await user(browser)).toBeNull();
  });

  it('a malformed Cookie header next to a valid session loses nothing', async () => {
    const browser = await signedIn();
    const session = browser.cookies.get(app.url, SESSION)!;
    const response = await fetch(`${app.url}/me`, {
      headers: { cookie: `=oops; ;;; broken; ${SESSION}=${session}; x="unterminated` },
    });
    expect((await response.json()).user).toMatchObject({ sub: 'auth0|alice' });
  });
});

describe('expiry lives inside the seal (rule 4)', () => {
  it('refuses a replayed cookie after the absolute lifetime, whatever Max-Age said', async () => {
    const short = await startTestApp({
      session: { absoluteDuration: 120, inactivityDuration: 120 },
    });
    try {
      const browser = new BrowserClient();
      await loginAs(browser, { startUrl: `${short.url}/auth/login`, ...ALICE });
      const cookie = browser.cookies.get(short.url, SESSION)!;
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 121_000 });
      const replay = new BrowserClient();
      replay.cookies.set(short.url, SESSION, cookie);
      expect(JSON.parse((await replay.navigate(`${short.url}/me`)).body).user).toBeNull();
    } finally {
      vi.useRealTimers();
      await short.close();
    }
  });

  it('rolls a used session forward and ends an idle one', async () => {
    const rolling = await startTestApp({
      session: { inactivityDuration: 300, absoluteDuration: 3600 },
    });
    try {
      const browser = new BrowserClient();
      await loginAs(browser, { startUrl: `${rolling.url}/auth/login`, ...ALICE });
      const start = Date.now();
      for (const minutes of [4, 8, 12]) {
        vi.useFakeTimers({ toFake: ['Date'], now: start + minutes * 60_000 });
        const response = await browser.navigate(`${rolling.url}/me`);
        expect(JSON.parse(response.body).user).toMatchObject({ sub: 'auth0|alice' });
        expect(response.response.headers.get('cache-control')).toBe('private, no-store');
      }
      vi.useFakeTimers({ toFake: ['Date'], now: start + 18 * 60_000 });
      expect(JSON.parse((await browser.navigate(`${rolling.url}/me`)).body).user).toBeNull();
    } finally {
      vi.useRealTimers();
      await rolling.close();
    }
  });
});

describe('secrets', () => {
  it('rotate: a session sealed with the old secret still reads after the new one is added', async () => {
    const browser = await signedIn();
    const rotated = new ServerClient({
      domain: app.tenant.domain,
      clientId: 'demo-web',
      clientSecret: 'unused-in-this-test',
      secret: ['a-brand-new-secret-of-at-least-32-characters', SECRET],
    });
    const cookies = new Map(
      browser.cookies.names(app.url).map((name) => [name, browser.cookies.get(app.url, name)!]),
    );
    const jar = {
      get: (name: string) => cookies.get(name),
      getAll: () => cookies,
      set() {},
      delete() {},
    };
    expect(await rotated.getUser({ storeOptions: { cookies: jar } })).toMatchObject({
      sub: 'auth0|alice',
    });
    const dropped = new ServerClient({
      domain: app.tenant.domain,
      clientId: 'demo-web',
      clientSecret: 'unused-in-this-test',
      secret: 'a-brand-new-secret-of-at-least-32-characters',
    });
    expect(await dropped.getUser({ storeOptions: { cookies: jar } })).toBeUndefined();
  });
});

describe('cookie attributes (rule 7)', () => {
  it('marks session cookies HttpOnly, SameSite=Lax, Path=/ and the response no-store', async () => {
    const browser = new BrowserClient();
    const login = await browser.request(`${app.url}/auth/login`);
    expect(login.headers.get('cache-control')).toBe('private, no-store');
    const [transaction] = login.headers.getSetCookie();
    expect(transaction).toMatch(/^gatehouse\.tx\.[\w-]+=Fe26\.2\*/);
    expect(transaction).toContain('HttpOnly');
    expect(transaction).toContain('SameSite=Lax');
    expect(transaction).toContain('Path=/');
    expect(transaction).not.toContain('Secure'); // the app runs on plain http
  });

  it('adds Secure when the app is served over https', () => {
    const store = new CookieStateStore({ secrets: [SECRET], secure: true });
    const written: string[] = [];
    const jar = {
      get: () => undefined,
      getAll: () => new Map<string, string>(),
      set: (name: string, _value: string, options: { secure?: boolean }) =>
        written.push(`${name}:${options.secure}`),
      delete() {},
    };
    return store
      .set(
        {
          user: { sub: 'x' },
          tokenSets: [],
          connectionTokenSets: [],
          internal: { sid: 's', createdAt: 1, updatedAt: 1 },
        },
        { expiresAt: Date.now() / 1000 + 60, rotateId: true },
        { cookies: jar },
      )
      .then(() => expect(written).toEqual(['gatehouse.session:true']));
  });
});

describe('session fixation (rule 6)', () => {
  it('issues a new session id at login and drops the one planted before', async () => {
    const backend = new MemoryBackend();
    const stateful = await startTestApp({
      stateStore: new ServerStateStore({ secrets: [SECRET], secure: false, backend }),
    });
    try {
      const attacker = new BrowserClient();
      await loginAs(attacker, { startUrl: `${stateful.url}/auth/login`, ...ALICE });
      const planted = attacker.cookies.get(stateful.url, 'gatehouse.sid')!;
      expect(backend.size).toBe(1);

      const victim = new BrowserClient();
      victim.cookies.set(stateful.url, 'gatehouse.sid', planted);
      await loginAs(victim, {
        startUrl: `${stateful.url}/auth/login`,
        email: 'bob@example.com',
        password: 'bob-password',
      });
      expect(victim.cookies.get(stateful.url, 'gatehouse.sid')).not.toBe(planted);
      // The planted id no longer opens any session: the attacker is not signed in as Bob.
      expect(JSON.parse((await attacker.navigate(`${stateful.url}/me`)).body).user).toBeNull();
      expect(backend.size).toBe(1);
    } finally {
      await stateful.close();
    }
  });
});
