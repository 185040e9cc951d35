import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  RedisLogoutRevocations,
  RedisLogoutTokenReplayStore,
  RedisSessionBackend,
} from '../src/index.js';
import { startRedisProxy } from './support/faults.js';
import {
  REDIS_URL,
  rawClient,
  removeKeys,
  SECRET,
  sessionOf,
  testPrefix,
} from './support/redis.js';

// Fault injection: the app's client reaches the real Redis through a TCP proxy the tests freeze
// (Redis hangs) and cut (Redis is down), then restore.

/**
 * The stores on a client the app made with ioredis's defaults: offline queue on, up to 20
 * reconnection attempts per command, and no `commandTimeout`, so ioredis alone would hold a
 * command forever while Redis hangs. The stores' own `commandTimeout` must bound it.
 */
describe("stores on the app's own client, made with ioredis's defaults", () => {
  const prefix = testPrefix('app-client-outage');
  const commandTimeout = 300;
  let proxy: Awaited<ReturnType<typeof startRedisProxy>>;
  let client: Redis;
  let backend: RedisSessionBackend;
  let revocations: RedisLogoutRevocations;
  let logoutTokens: RedisLogoutTokenReplayStore;
  /** A direct client, to remove the test's keys at the end. */
  let redis: Redis;
  const session = sessionOf('auth0|alice', 'sid-app-client');

  beforeEach(async () => {
    proxy = await startRedisProxy(REDIS_URL);
    client = new Redis(proxy.url);
    // An app would log these; ioredis prints them when no one listens.
    client.on('error', () => {});
    const options = { client, keyPrefix: prefix, commandTimeout };
    backend = new RedisSessionBackend({ ...options, secret: SECRET });
    revocations = new RedisLogoutRevocations(options);
    logoutTokens = new RedisLogoutTokenReplayStore(options);
    // Connected before the first command: on a busy machine, connecting through the proxy can take
    // longer than the 300 ms the stores wait, and the set-up is not what is measured here.
    if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
    await backend.set('app-client-session', session, 600);
  });
  afterEach(async () => {
    client.disconnect();
    await proxy.close();
  });
  beforeAll(() => {
    redis = rawClient();
  });
  afterAll(async () => {
    await removeKeys(redis, prefix);
    redis.disconnect();
  });

  /**
   * Every operation of the three stores, each expected to fail as unavailable. The writes touch
   * other sessions than Alice's: with the offline queue on, ioredis may still send them after the
   * reconnect (hence the README's advice of `enableOfflineQueue: false`).
   */
  const operations = () => ({
    get: () => backend.get('app-client-session'),
    set: () => backend.set('other-session', sessionOf('auth0|bob', 'sid-bob'), 600),
    deleteByLogout: () => backend.deleteByLogout({ sub: 'auth0|bob' }),
    isRevoked: () =>
      revocations.isRevoked({ sub: 'auth0|alice', sid: 'sid-app-client', createdAt: 0 }),
    rememberLogoutToken: () => logoutTokens.markUsed('a-jti', Date.now() + 60_000),
  });

  /** Each operation rejects as unavailable, given up on by the store's own timer. */
  async function expectEveryOperationToFail() {
    for (const [name, operation] of Object.entries(operations())) {
      const error = await operation().catch((caught: unknown) => caught);
      expect(error, name).toMatchObject({ code: 'session_store_unavailable', statusCode: 503 });
      expect(((error as Error).cause as Error).message, name).toBe(
        `Redis did not answer within ${commandTimeout} ms`,
      );
    }
  }

  /** The session once the client has reconnected, retried as a client would after a 503. */
  async function sessionOnceBack() {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await backend.get('app-client-session');
      } catch (error) {
        if (attempt === 100) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  it('fail, rather than hang, while Redis hangs, and lose nothing', async () => {
    proxy.freeze();
    await expectEveryOperationToFail();
    await proxy.cut();
    await proxy.restore();
    expect(await sessionOnceBack()).toMatchObject({ user: { sub: 'auth0|alice' } });
  });

  it('fail while Redis is down, not after ioredis’s reconnection attempts, and lose nothing', async () => {
    await proxy.cut();
    await expectEveryOperationToFail();
    await proxy.restore();
    expect(await sessionOnceBack()).toMatchObject({ user: { sub: 'auth0|alice' } });
  });
});
