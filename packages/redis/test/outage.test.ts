import { ServerStateStore } from '@gatehouse/core';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisSessionBackend, SessionStoreUnavailableError } from '../src/index.js';
import { CLOSED_PORT_URL, startRedisProxy, startSilentServer } from './support/faults.js';
import {
  backendFor,
  MemoryCookieJar,
  REDIS_URL,
  rawClient,
  removeKeys,
  SECRET,
  sessionOf,
  testPrefix,
} from './support/redis.js';

// Fault injection: Redis is made unreachable by pointing the backend at a closed port, at a
// server that never answers, or through a TCP proxy that the test cuts and restores.

const prefix = testPrefix('outage');
let redis: Redis;
beforeAll(() => {
  redis = rawClient();
});
afterAll(async () => {
  await removeKeys(redis, prefix);
  redis.disconnect();
});

const unavailable = expect.objectContaining({
  name: 'SessionStoreUnavailableError',
  code: 'session_store_unavailable',
  statusCode: 503,
});

/**
 * The result of `operation` once it stops failing: ioredis reconnects by itself, and the test
 * retries as a client would after a 503, a bounded number of times.
 */
async function eventually<T>(operation: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await operation();
    } catch (error) {
      if (attempt === 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Every operation of `backend`, each expected to fail as unavailable. */
const operations = (backend: RedisSessionBackend) => ({
  get: () => backend.get('some-id'),
  set: () => backend.set('some-id', sessionOf('auth0|alice', 'sid-1'), 60),
  delete: () => backend.delete('some-id'),
  deleteByLogout: () => backend.deleteByLogout({ sub: 'auth0|alice' }),
});

describe('Redis refusing connections (closed port)', () => {
  let backend: RedisSessionBackend;
  beforeAll(() => {
    backend = backendFor(prefix, {
      url: CLOSED_PORT_URL,
      commandTimeout: 200,
      redisOptions: { maxRetriesPerRequest: 0 },
    });
  });
  afterAll(() => backend.close());

  it.each(['get', 'set', 'delete', 'deleteByLogout'] as const)(
    '%s rejects with SessionStoreUnavailableError',
    async (operation) => {
      const error = await operations(backend)
        [operation]()
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SessionStoreUnavailableError);
      expect(error).toEqual(unavailable);
      expect((error as SessionStoreUnavailableError).operation).toBe(operation);
      expect((error as Error).cause).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/answer 503/);
    },
  );

  it('makes ServerStateStore.get reject, not answer "no session"', async () => {
    // A browser with a valid session cookie, issued while Redis was up.
    const cookies = new MemoryCookieJar();
    const healthy = backendFor(prefix);
    try {
      const up = new ServerStateStore({ secrets: [SECRET], secure: false, backend: healthy });
      await up.set(
        sessionOf('auth0|alice', 'sid-1'),
        { expiresAt: Date.now() / 1000 + 600, rotateId: true },
        { cookies },
      );
      expect(await up.get({ cookies })).toMatchObject({ user: { sub: 'auth0|alice' } });
    } finally {
      await healthy.close();
    }
    const down = new ServerStateStore({ secrets: [SECRET], secure: false, backend });
    await expect(down.get({ cookies })).rejects.toBeInstanceOf(SessionStoreUnavailableError);
    // A logout during the outage fails too, rather than clearing the cookie of a live session.
    await expect(down.delete({ cookies })).rejects.toBeInstanceOf(SessionStoreUnavailableError);
    expect(cookies.get('gatehouse.sid')).toBeDefined();
  });
});

describe('Redis that never answers', () => {
  it('fails an operation after the timeout when the connection never becomes ready', async () => {
    const silent = await startSilentServer();
    const backend = backendFor(prefix, { url: silent.url, commandTimeout: 300 });
    try {
      const error = await backend.get('some-id').catch((caught: unknown) => caught);
      expect(error).toEqual(unavailable);
      expect(((error as Error).cause as Error).message).toMatch(/not connected within 300 ms/);
    } finally {
      await backend.close();
      await silent.close();
    }
  });

  it('fails each command after the command timeout when Redis hangs mid-connection', async () => {
    const proxy = await startRedisProxy(REDIS_URL);
    const backend = backendFor(prefix, { url: proxy.url, commandTimeout: 300 });
    try {
      const session = sessionOf('auth0|alice', 'sid-hang');
      await backend.set('hang-session', session, 600);
      proxy.freeze();
      for (const operation of Object.values(operations(backend))) {
        const error = await operation().catch((caught: unknown) => caught);
        expect(error).toEqual(unavailable);
        expect(((error as Error).cause as Error).message).toMatch(/timed out/i);
      }
      await proxy.cut();
      await proxy.restore();
      expect(await eventually(() => backend.get('hang-session'))).toEqual(session);
    } finally {
      await backend.close();
      await proxy.close();
    }
  });
});

describe('Redis going away and coming back', () => {
  it('gives errors while it is away, and the same session, intact, when it is back', async () => {
    const proxy = await startRedisProxy(REDIS_URL);
    const backend = backendFor(prefix, { url: proxy.url, commandTimeout: 300 });
    try {
      const session = sessionOf('auth0|alice', 'sid-outage');
      await backend.set('outage-session', session, 600);

      await proxy.cut();
      for (const operation of Object.values(operations(backend))) {
        await expect(operation()).rejects.toEqual(unavailable);
      }
      // Writes to the session itself during the outage fail; none is half applied.
      await expect(
        backend.set('outage-session', { ...session, refreshToken: 'lost-write' }, 600),
      ).rejects.toEqual(unavailable);

      await proxy.restore();
      // The write that failed was not kept to be sent after the reconnect.
      expect(await eventually(() => backend.get('outage-session'))).toEqual(session);
      expect(await backend.deleteByLogout({ sid: 'sid-outage' })).toBe(1);
    } finally {
      await backend.close();
      await proxy.close();
    }
  });
});
