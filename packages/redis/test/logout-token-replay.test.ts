import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisLogoutTokenReplayStore } from '../src/index.js';
import { CLOSED_PORT_URL } from './support/faults.js';
import { keysUnder, REDIS_URL, rawClient, removeKeys, testPrefix } from './support/redis.js';

const prefix = testPrefix('logout-jti');
let redis: Redis;
let machineA: RedisLogoutTokenReplayStore;
let machineB: RedisLogoutTokenReplayStore;
beforeAll(() => {
  redis = rawClient();
  machineA = new RedisLogoutTokenReplayStore({ url: REDIS_URL, keyPrefix: prefix });
  machineB = new RedisLogoutTokenReplayStore({ url: REDIS_URL, keyPrefix: prefix });
});
afterAll(async () => {
  await removeKeys(redis, prefix);
  await Promise.all([machineA.close(), machineB.close()]);
  redis.disconnect();
});

const inFiveMinutes = () => Date.now() + 300_000;

describe('RedisLogoutTokenReplayStore', () => {
  it('accepts a jti once, on whichever machine sees it first', async () => {
    expect(await machineA.markUsed('jti-1', inFiveMinutes())).toBe(true);
    expect(await machineB.markUsed('jti-1', inFiveMinutes())).toBe(false);
    expect(await machineA.markUsed('jti-1', inFiveMinutes())).toBe(false);
    expect(await machineB.markUsed('jti-2', inFiveMinutes())).toBe(true);
  });

  it('forgets a jti whose logout could not be carried out, on every machine', async () => {
    expect(await machineA.markUsed('jti-failed', inFiveMinutes())).toBe(true);
    await machineA.forget('jti-failed');
    expect(await machineB.markUsed('jti-failed', inFiveMinutes())).toBe(true);
  });

  it('keeps a jti no longer than the token could be accepted, and stores no raw jti', async () => {
    await machineA.markUsed('jti-ttl', inFiveMinutes());
    const [key] = await keysUnder(redis, prefix);
    expect(key).toBeDefined();
    expect(key).not.toContain('jti-');
    const ttl = await redis.ttl(key!);
    expect(ttl).toBeGreaterThan(250);
    expect(ttl).toBeLessThanOrEqual(300);
  });

  it('refuses with a 503 error when Redis cannot be reached, never "not seen"', async () => {
    const down = new RedisLogoutTokenReplayStore({ url: CLOSED_PORT_URL, commandTimeout: 300 });
    try {
      await expect(down.markUsed('jti-3', inFiveMinutes())).rejects.toMatchObject({
        code: 'session_store_unavailable',
        statusCode: 503,
      });
    } finally {
      await down.close();
    }
  });
});
