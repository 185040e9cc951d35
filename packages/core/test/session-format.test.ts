import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Sealer } from '../src/cookies/sealer.js';
import { MemoryBackend, ServerClient, ServerStateStore } from '../src/index.js';
import type { SessionData } from '../src/session/model.js';
import { decodeSession, encodeSession, expandSession } from '../src/stores/session-format.js';
import { MemoryCookieJar } from './support/memory-jar.js';

/**
 * A session cookie sealed by the previous format (Iron's sealed JSON), written by commit 19263ec's
 * code after a real login against the dev tenant (tokens for two APIs, so two chunks). Its
 * session began at `sealedAt`: the tests read it a minute later, on a clock set there.
 */
const FIXTURE = JSON.parse(
  readFileSync(new URL('./fixtures/session-cookie-v1.json', import.meta.url), 'utf8'),
) as {
  secret: string;
  sealedAt: number;
  cookies: Record<string, string>;
  user: Record<string, unknown>;
  session: { idToken: string; refreshToken: string; tokenSets: unknown[] };
};

afterEach(() => vi.useRealTimers());

function client() {
  return new ServerClient({
    domain: 'https://tenant.example.com',
    clientId: 'demo-web',
    clientSecret: 'unused',
    secret: FIXTURE.secret,
  });
}

function jarWith(cookies: Record<string, string>) {
  const jar = new MemoryCookieJar();
  for (const [name, value] of Object.entries(cookies)) jar.set(name, value);
  return jar;
}

describe('a session cookie of the previous format', () => {
  it('is read as it was, and rewritten once in the compact format: nobody is logged out', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: (FIXTURE.sealedAt + 60) * 1000 });
    const jar = jarWith(FIXTURE.cookies);
    const session = await client().getSession({ storeOptions: { cookies: jar } });
    expect(session?.user).toEqual(FIXTURE.user);
    expect(session?.idToken).toBe(FIXTURE.session.idToken);
    expect(session?.refreshToken).toBe(FIXTURE.session.refreshToken);
    expect(session?.tokenSets).toEqual(FIXTURE.session.tokenSets);

    // Rewritten by the same read: one cookie where the previous format needed two.
    const names = [...jar.getAll().keys()];
    expect(names).toEqual(['gatehouse.session']);
    const rewritten = jar.get('gatehouse.session') as string;
    const before = Object.values(FIXTURE.cookies).join('').length;
    expect(rewritten.length).toBeLessThan(before * 0.6);

    // The next request reads the new cookie, with the same session (and does not rewrite it).
    const next = new MemoryCookieJar();
    next.set('gatehouse.session', rewritten);
    const again = await client().getSession({ storeOptions: { cookies: next } });
    expect(again).toEqual(session);
    expect(next.get('gatehouse.session')).toBe(rewritten);
  });

  it('still ends when its lifetime is over (the rewrite does not extend it)', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: (FIXTURE.sealedAt + 8 * 24 * 3600) * 1000 });
    const jar = jarWith(FIXTURE.cookies);
    expect(await client().getUser({ storeOptions: { cookies: jar } })).toBeUndefined();
  });

  it('a tampered one is no session', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: (FIXTURE.sealedAt + 60) * 1000 });
    const [name, value] = Object.entries(FIXTURE.cookies)[0] as [string, string];
    const flipped = value.slice(0, 100) + (value[100] === 'a' ? 'b' : 'a') + value.slice(101);
    const jar = jarWith({ ...FIXTURE.cookies, [name]: flipped });
    expect(await client().getUser({ storeOptions: { cookies: jar } })).toBeUndefined();
  });
});

describe('a rolling session whose client keeps sending the same cookie', () => {
  it('is re-sealed at most once a minute: in between, the same new cookie is sent again', async () => {
    const at = (seconds: number) => vi.setSystemTime((FIXTURE.sealedAt + seconds) * 1000);
    vi.useFakeTimers({ toFake: ['Date'], now: FIXTURE.sealedAt * 1000 });
    const app = client();
    const readWith = async (cookie: string) => {
      const jar = new MemoryCookieJar();
      jar.set('gatehouse.session', cookie);
      const session = await app.getSession({ storeOptions: { cookies: jar } });
      return { session, cookie: jar.get('gatehouse.session') as string };
    };
    at(60);
    const upgraded = jarWith(FIXTURE.cookies);
    await app.getUser({ storeOptions: { cookies: upgraded } });
    const old = upgraded.get('gatehouse.session') as string;

    at(200);
    const first = await readWith(old);
    expect(first.cookie).not.toBe(old);
    at(230);
    const second = await readWith(old);
    expect(second.cookie).toBe(first.cookie);
    expect(second.session?.expiresAt).toBe(first.session?.expiresAt);
    at(261);
    const third = await readWith(old);
    expect(third.cookie).not.toBe(first.cookie);
    expect(third.session?.expiresAt).toBe((first.session?.expiresAt as number) + 61);
  });
});

describe('a server-side rolling session whose client keeps sending the same cookie', () => {
  it('is written to the backend at most once a minute, however often it is read', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: FIXTURE.sealedAt * 1000 });
    // The real in-memory backend, counting its writes (to see the touches, not to fake them).
    const backend = new MemoryBackend();
    let writes = 0;
    const set = backend.set.bind(backend);
    backend.set = (...args) => {
      writes++;
      return set(...args);
    };
    const app = new ServerClient({
      domain: 'https://tenant.example.com',
      clientId: 'demo-web',
      clientSecret: 'unused',
      secret: FIXTURE.secret,
      stateStore: new ServerStateStore({ secrets: [FIXTURE.secret], secure: false, backend }),
    });
    // A session of the fixture's user, stored as a login would.
    const upgraded = jarWith(FIXTURE.cookies);
    const cookieStore = await client().getSession({ storeOptions: { cookies: upgraded } });
    expect(cookieStore).toBeDefined();
    const session = JSON.parse(JSON.stringify(cookieStore));
    const { createdAt } = session;
    const jar = new MemoryCookieJar();
    await new ServerStateStore({ secrets: [FIXTURE.secret], secure: false, backend }).set(
      {
        ...session,
        internal: { sid: 's1', createdAt, updatedAt: createdAt },
      },
      { expiresAt: createdAt + 3600, rotateId: true },
      { cookies: jar },
    );
    const cookie = jar.get('gatehouse.sid') as string;
    writes = 0;
    const read = async (seconds: number) => {
      vi.setSystemTime((createdAt + seconds) * 1000);
      const each = new MemoryCookieJar();
      each.set('gatehouse.sid', cookie);
      return (await app.getSession({ storeOptions: { cookies: each } }))?.expiresAt;
    };
    const first = await read(100);
    for (const seconds of [110, 130, 159]) expect(await read(seconds)).toBe(first);
    expect(writes).toBe(1);
    expect(await read(161)).toBe((first as number) + 61);
    expect(writes).toBe(2);
  });
});

describe('the compact format', () => {
  const jwt = (payload: object) =>
    `${Buffer.from('{"alg":"RS256","typ":"JWT","kid":"k1"}').toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${'s'.repeat(342)}`;
  const session: SessionData = {
    user: { sub: 'auth0|alice', email: 'alice@example.com', name: 'Ålice ✓' },
    domain: 'https://login.brand-a.com',
    data: { theme: 'dark' },
    idToken: jwt({ sub: 'auth0|alice', email: 'alice@example.com', name: 'Ålice ✓' }),
    refreshToken: 'opaque-refresh',
    tokenSets: [
      { audience: 'https://api.example.com', accessToken: jwt({ scope: 'read' }), expiresAt: 9e9 },
      // Not re-encodable byte for byte (padding): kept as it is.
      { audience: 'b', accessToken: 'aGk=.aGk=.sig', expiresAt: 9e9, tokenType: 'DPoP' },
      { audience: 'c', accessToken: 'opaque', scope: 'x', requestedScope: 'x y', expiresAt: 9e9 },
    ],
    connectionTokenSets: [{ connection: 'google', accessToken: 'ya29', expiresAt: 9e9 }],
    internal: { sid: 's1', createdAt: 1, createdAtMs: 1000, updatedAt: 2, sessionExpiresAt: 9e9 },
  };

  it('gives back every field exactly, tokens included', () => {
    const decoded = decodeSession(expandSession(encodeSession(session, 123)) as Buffer);
    expect(decoded?.exp).toBe(123);
    expect({ ...decoded?.session }).toEqual(session);
  });

  it('is sealed in Iron format under the session purpose, and opens with any secret of the list', async () => {
    const old = new Sealer(['an-old-secret-that-is-32-characters-long'], 'session');
    const sealed = await old.sealBytes(encodeSession(session, 123));
    expect(sealed.startsWith('Fe26.2*')).toBe(true);
    const rotated = new Sealer(
      ['a-new-secret-that-is-32-characters-long!!', 'an-old-secret-that-is-32-characters-long'],
      'session',
    );
    const opened = expandSession((await rotated.unsealBytes(sealed)) as Buffer) as Buffer;
    expect(decodeSession(opened)?.session.user).toEqual(session.user);
    const otherPurpose = new Sealer(['an-old-secret-that-is-32-characters-long'], 'transaction');
    expect(await otherPurpose.unsealBytes(sealed)).toBeUndefined();
  });
});
