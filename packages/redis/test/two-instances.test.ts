import { BrowserClient, loginAs } from '@gatehouse/dev-tenant/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisProxy } from './support/faults.js';
import { type AppInstance, type Deployment, startDeployment } from './support/instances.js';
import {
  keysUnder,
  layout,
  REDIS_URL,
  rawClient,
  removeKeys,
  testPrefix,
} from './support/redis.js';

const ALICE = { email: 'alice@example.com', password: 'alice-password' };
const BOB = { email: 'bob@example.com', password: 'bob-password' };

const prefix = testPrefix('two-instances');
const keys = layout(prefix);
let redis: Redis;
let deployment: Deployment;
let a: AppInstance;
let b: AppInstance;

beforeAll(async () => {
  redis = rawClient();
  deployment = await startDeployment(prefix);
  [a, b] = deployment.instances as [AppInstance, AppInstance];
});
afterAll(async () => {
  await deployment.close();
  await removeKeys(redis, prefix);
  redis.disconnect();
});

const me = async (browser: BrowserClient, instance: AppInstance) => {
  const page = await browser.navigate(`${instance.url}/me`);
  expect(page.response.status).toBe(200);
  return JSON.parse(page.body).user;
};

const signIn = async (credentials: typeof ALICE, instance: AppInstance) => {
  const browser = new BrowserClient();
  const end = await loginAs(browser, { startUrl: `${instance.url}/auth/login`, ...credentials });
  expect(end.url.href).toBe(`${instance.url}/me`);
  return browser;
};

/** The ids of the sessions stored in Redis right now. */
const storedSessionIds = async () => {
  const root = keys.session('id').slice(0, -'id}'.length);
  return (await keysUnder(redis, root)).map((key) => key.slice(root.length, -1));
};

describe('two app instances sharing one Redis', () => {
  it('a session created by a login on instance A is read on instance B', async () => {
    const before = await storedSessionIds();
    const browser = await signIn(ALICE, a);
    expect(await me(browser, b)).toMatchObject({ sub: 'auth0|alice', email: 'alice@example.com' });
    expect(await me(browser, a)).toMatchObject({ sub: 'auth0|alice' });
    // One new session in Redis, sealed: no claim in clear.
    const created = (await storedSessionIds()).filter((id) => !before.includes(id));
    expect(created).toHaveLength(1);
    const stored = await redis.hget(keys.session(created[0]!), 'd');
    expect(stored).not.toContain('alice');
  });

  it('a logout on instance B ends the session on instance A', async () => {
    const browser = await signIn(ALICE, a);
    const out = await browser.navigate(`${b.url}/auth/logout`);
    expect(out.url.href).toBe(`${b.url}/`);
    expect(await me(browser, a)).toBeNull();
  });

  it('a back-channel logout handled by one instance ends exactly the named sessions everywhere', async () => {
    // Alice signed in earlier in another browser (another tenant session), and Bob is signed in.
    const aliceElsewhere = await signIn(ALICE, b);
    const before = await storedSessionIds();
    const alice = await signIn(ALICE, a);
    const [aliceId] = (await storedSessionIds()).filter((id) => !before.includes(id));
    const bob = await signIn(BOB, b);
    // What the tenant's logout token names: the user and this browser's tenant session.
    const aliceSession = await a.backend!.get(aliceId!);
    expect(aliceSession?.user.sub).toBe('auth0|alice');
    expect(
      await b.backend!.deleteByLogout({ sub: 'auth0|alice', sid: aliceSession!.internal.sid }),
    ).toBe(1);
    expect(await me(alice, a)).toBeNull();
    expect(await me(alice, b)).toBeNull();
    expect(await me(aliceElsewhere, a)).toMatchObject({ sub: 'auth0|alice' });
    expect(await me(bob, a)).toMatchObject({ sub: 'auth0|bob' });
    // A logout naming only the user ends her other sessions too.
    expect(await a.backend!.deleteByLogout({ sub: 'auth0|alice' })).toBeGreaterThanOrEqual(1);
    expect(await me(aliceElsewhere, b)).toBeNull();
    expect(await me(bob, b)).toMatchObject({ sub: 'auth0|bob' });
  });
});

describe('both instances while Redis is away', () => {
  it('answer 503 instead of "signed out", and the session is still there when Redis is back', async () => {
    // Fault injection: the instances reach Redis through a TCP proxy that the test cuts.
    const proxy = await startRedisProxy(REDIS_URL);
    const outagePrefix = `${prefix}outage:`;
    const apps = await startDeployment(outagePrefix, { redisUrl: proxy.url, commandTimeout: 300 });
    const [first, second] = apps.instances as [AppInstance, AppInstance];
    try {
      const browser = await signIn(ALICE, first);
      await proxy.cut();
      for (const instance of [first, second]) {
        const page = await browser.navigate(`${instance.url}/me`);
        expect(page.response.status).toBe(503);
        expect(page.response.headers.get('retry-after')).toBe('2');
        expect(JSON.parse(page.body)).toEqual({ error: 'session_store_unavailable' });
      }
      await proxy.restore();
      let user: unknown;
      for (let attempt = 1; attempt <= 100 && user === undefined; attempt += 1) {
        const page = await browser.navigate(`${second.url}/me`);
        if (page.response.status === 200) user = JSON.parse(page.body).user;
        else await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(user).toMatchObject({ sub: 'auth0|alice' });
    } finally {
      await apps.close();
      await proxy.close();
      await removeKeys(redis, outagePrefix);
    }
  });
});
