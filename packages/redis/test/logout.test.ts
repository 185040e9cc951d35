import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RedisSessionBackend } from '../src/index.js';
import {
  backendFor,
  keysUnder,
  rawClient,
  removeKeys,
  sessionOf,
  singleTagLayout,
  testPrefix,
} from './support/redis.js';

const prefix = testPrefix('logout');
/** The single-tag layout, whose indexes are sets kept by one script (see spread.test.ts). */
const keys = singleTagLayout(prefix);
let redis: Redis;
let backend: RedisSessionBackend;

beforeAll(() => {
  redis = rawClient();
  backend = backendFor(prefix, { keyLayout: 'single-tag' });
});
afterEach(() => removeKeys(redis, prefix));
afterAll(async () => {
  await removeKeys(redis, prefix);
  await backend.close();
  redis.disconnect();
});

const ALICE = 'auth0|alice';
const BOB = 'auth0|bob';

/**
 * Alice has two app sessions in tenant session S1 (two logins riding on one tenant session) and
 * one in S2; Bob has one in S3 and one whose sid is S1 too, so that a logout naming Alice and S1
 * shows it intersects rather than unites.
 */
const sessions = {
  alice1: sessionOf(ALICE, 'S1'),
  alice2: sessionOf(ALICE, 'S1'),
  alice3: sessionOf(ALICE, 'S2'),
  bob1: sessionOf(BOB, 'S3'),
  bobInS1: sessionOf(BOB, 'S1'),
};
type Name = keyof typeof sessions;

beforeEach(async () => {
  for (const [id, session] of Object.entries(sessions)) await backend.set(id, session, 3600);
});

const remaining = async () => {
  const left: Name[] = [];
  for (const id of Object.keys(sessions) as Name[]) if (await backend.get(id)) left.push(id);
  return left;
};

describe('deleteByLogout removes exactly the sessions it names', () => {
  it('by sub: every session of the user, and no one else', async () => {
    expect(await backend.deleteByLogout({ sub: ALICE })).toBe(3);
    expect(await remaining()).toEqual(['bob1', 'bobInS1']);
  });

  it('by sid: every session of the tenant session', async () => {
    expect(await backend.deleteByLogout({ sid: 'S1' })).toBe(3);
    expect(await remaining()).toEqual(['alice3', 'bob1']);
  });

  it('by sub and sid: only the sessions matching both', async () => {
    expect(await backend.deleteByLogout({ sub: ALICE, sid: 'S1' })).toBe(2);
    expect(await remaining()).toEqual(['alice3', 'bob1', 'bobInS1']);
  });

  it('by a sub and a sid that never met: nothing', async () => {
    expect(await backend.deleteByLogout({ sub: ALICE, sid: 'S3' })).toBe(0);
    expect(await remaining()).toEqual(Object.keys(sessions));
  });

  it('by an unknown user, or by nothing at all: nothing', async () => {
    expect(await backend.deleteByLogout({ sub: 'auth0|nobody' })).toBe(0);
    expect(await backend.deleteByLogout({ sid: 'unknown' })).toBe(0);
    expect(await backend.deleteByLogout({})).toBe(0);
    expect(await remaining()).toEqual(Object.keys(sessions));
  });

  it('does not confuse a sub with a sid of the same value', async () => {
    await backend.set('named-like-sid', sessionOf('S1', 'some-sid'), 3600);
    expect(await backend.deleteByLogout({ sub: 'S1' })).toBe(1);
    expect(await remaining()).toEqual(Object.keys(sessions));
  });

  it('reaches sessions written by another app machine', async () => {
    const otherMachine = backendFor(prefix, { keyLayout: 'single-tag' });
    try {
      expect(await otherMachine.deleteByLogout({ sub: BOB })).toBe(2);
    } finally {
      await otherMachine.close();
    }
    expect(await remaining()).toEqual(['alice1', 'alice2', 'alice3']);
  });
});

describe('indexes', () => {
  const members = (key: string) => redis.smembers(key).then((list) => list.sort());

  it('list each session under its sub and its sid', async () => {
    expect(await members(keys.subIndex(ALICE))).toEqual(['alice1', 'alice2', 'alice3']);
    expect(await members(keys.sidIndex('S1'))).toEqual(['alice1', 'alice2', 'bobInS1']);
  });

  it('do not leak: once every session is deleted, only short-lived tombstones are left', async () => {
    await backend.delete('alice1');
    await backend.deleteByLogout({ sub: ALICE });
    await backend.deleteByLogout({ sid: 'S3' });
    await backend.deleteByLogout({ sub: BOB, sid: 'S1' });
    const left = await keysUnder(redis, prefix);
    expect(left.every((key) => key.startsWith(keys.tombstone('')))).toBe(true);
    expect(left).toHaveLength(Object.keys(sessions).length);
    for (const key of left) {
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(3_600_000);
    }
  });

  it('drop entries of sessions that expired, at the next logout', async () => {
    // Expire two of Alice's sessions the way Redis does, behind the backend's back.
    await redis.del(keys.session('alice1'), keys.session('alice3'));
    expect(await backend.deleteByLogout({ sub: ALICE, sid: 'S1' })).toBe(1);
    expect(await redis.exists(keys.subIndex(ALICE))).toBe(0);
    expect(await members(keys.sidIndex('S1'))).toEqual(['bobInS1']);
  });

  it('drop entries of sessions that expired, at the next login of the user', async () => {
    await redis.del(keys.session('alice1'), keys.session('alice2'));
    await backend.set('alice4', sessionOf(ALICE, 'S4'), 3600);
    expect(await members(keys.subIndex(ALICE))).toEqual(['alice3', 'alice4']);
    expect(await redis.exists(keys.sidIndex('S1'))).toBe(1); // Bob's S1 session is still there
  });

  it('follow a session whose user or tenant session changes under the same id', async () => {
    await backend.set('alice1', sessionOf(BOB, 'S9'), 3600);
    expect(await members(keys.subIndex(ALICE))).toEqual(['alice2', 'alice3']);
    expect(await members(keys.sidIndex('S1'))).toEqual(['alice2', 'bobInS1']);
    expect(await backend.deleteByLogout({ sub: ALICE })).toBe(2);
    expect(await backend.get('alice1')).toMatchObject({ user: { sub: BOB } });
    expect(await backend.deleteByLogout({ sid: 'S9' })).toBe(1);
  });
});

describe('a deleted session stays deleted', () => {
  it('a write that was in flight during a back-channel logout does not bring it back', async () => {
    await backend.deleteByLogout({ sid: 'S1' });
    // A request that read alice1 before the logout now writes it back (after a token refresh).
    await backend.set('alice1', sessions.alice1, 3600);
    expect(await backend.get('alice1')).toBeUndefined();
    expect(await redis.smembers(keys.sidIndex('S1'))).toEqual([]);
  });

  it('nor does one in flight during a logout of the session itself', async () => {
    await backend.delete('bob1');
    await backend.set('bob1', sessions.bob1, 3600);
    expect(await backend.get('bob1')).toBeUndefined();
  });

  it('while a new login of the same user gets a new session as usual', async () => {
    await backend.deleteByLogout({ sub: ALICE });
    await backend.set('alice-new', sessionOf(ALICE, 'S7'), 3600);
    expect(await backend.get('alice-new')).toMatchObject({ user: { sub: ALICE } });
    expect(await backend.deleteByLogout({ sub: ALICE })).toBe(1);
  });
});

describe('foreign data where an index should be', () => {
  it('is treated as an empty index, and replaced at the next login', async () => {
    await redis.del(keys.subIndex(ALICE), keys.sidIndex('S2'));
    await redis.set(keys.subIndex(ALICE), 'not a set');
    await redis.rpush(keys.sidIndex('S2'), 'alice3');
    expect(await backend.deleteByLogout({ sub: ALICE })).toBe(0);
    expect(await backend.deleteByLogout({ sub: ALICE, sid: 'S2' })).toBe(0);
    expect(await backend.deleteByLogout({ sid: 'S2' })).toBe(0);
    await backend.delete('alice1');
    await backend.set('alice3', sessions.alice3, 3600);
    expect(await redis.type(keys.subIndex(ALICE))).toBe('set');
    expect(await backend.deleteByLogout({ sub: ALICE, sid: 'S2' })).toBe(1);
  });
});
