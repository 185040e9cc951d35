import { ConfigurationError } from '@gatehouse/core';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisSessionBackend } from '../src/index.js';
import { CLOCK_SKEW_MS } from '../src/session-layout.js';
import { SpreadLayout } from '../src/spread-layout.js';
import {
  backendFor,
  keysUnder,
  layout,
  REDIS_URL,
  rawClient,
  removeKeys,
  SECRET,
  sessionOf,
  singleTagLayout,
  testPrefix,
} from './support/redis.js';

/**
 * The spread layout's protocol of ordered steps (a write: index, then session; a logout: index,
 * sessions, index) on a single Redis, where a step can be run alone to play a crash between two;
 * and the upgrade from the single-tag layout. The same layout on a real cluster: cluster.test.ts.
 */
const prefix = testPrefix('spread');
const keys = layout(prefix);
let redis: Redis;
let backend: RedisSessionBackend;
/** The backend's own steps, run one at a time to stop between two as a crash would. */
let steps: SpreadLayout;

beforeAll(() => {
  redis = rawClient();
  backend = backendFor(prefix);
  steps = new SpreadLayout(new Redis(REDIS_URL), prefix);
});
afterAll(async () => {
  await removeKeys(redis, prefix);
  await backend.close();
  redis.disconnect();
});

const write = (sub: string, sid: string, ttlMs = 600_000) => ({
  stored: 'unused',
  ttlMs,
  sub,
  sid,
});

describe('keys', () => {
  it('each session in its own slot, each index in its own, no user id in a key name', async () => {
    await backend.set('slot-a', sessionOf('auth0|slots', 'sid-slots'), 60);
    const names = await keysUnder(redis, prefix);
    expect(names).toEqual(
      [keys.session('slot-a'), keys.subIndex('auth0|slots'), keys.sidIndex('sid-slots')].sort(),
    );
    expect(keys.session('slot-a')).toBe(`${prefix}session:{slot-a}`);
    expect(names.join(' ')).not.toContain('auth0|slots');
    const slots = await Promise.all(
      names.map((name) => redis.cluster('KEYSLOT', name).catch(() => null)),
    );
    void slots; // a standalone Redis has no KEYSLOT; the spread over slots is shown by cluster.test.ts
  });

  it('an id with braces still keeps the session and its tombstone in one slot', async () => {
    await backend.set('a}b{c', sessionOf('auth0|braces', 'sid-braces'), 60);
    expect(await backend.get('a}b{c')).toMatchObject({ user: { sub: 'auth0|braces' } });
    await backend.delete('a}b{c');
    expect(await backend.get('a}b{c')).toBeUndefined();
  });
});

describe('a crash between two steps leaves at worst a stale index entry', () => {
  it('a login that stopped after its index step left no session, and its entry is pruned', async () => {
    await steps.index('crashed-login', write('auth0|crash', 'sid-crash'));
    expect(await backend.get('crashed-login')).toBeUndefined();
    expect(await redis.zscore(keys.subIndex('auth0|crash'), 'crashed-login')).not.toBeNull();
    // Once its expiry (plus the clock-skew margin) passes, the next write to the index drops it.
    await redis.zadd(
      keys.subIndex('auth0|crash'),
      String(Date.now() - CLOCK_SKEW_MS - 1),
      'crashed-login',
    );
    await backend.set('next-login', sessionOf('auth0|crash', 'sid-crash-2'), 60);
    expect(await redis.zrange(keys.subIndex('auth0|crash'), '0', '-1')).toEqual(['next-login']);
  });

  it('a logout that meets such an entry tombstones the id: the write, if it comes, is refused', async () => {
    await steps.index('in-flight', write('auth0|pending', 'sid-pending'));
    expect(await backend.deleteByLogout({ sub: 'auth0|pending' })).toBe(0);
    expect(await redis.exists(keys.tombstone('in-flight'))).toBe(1);
    expect(await steps.store('in-flight', write('auth0|pending', 'sid-pending'))).toBe(false);
    expect(await backend.get('in-flight')).toBeUndefined();
    expect(await redis.exists(keys.session('in-flight'))).toBe(0);
  });

  it('a logout that stopped after deleting sessions leaves entries that the next one clears', async () => {
    await backend.set('half-logout', sessionOf('auth0|half', 'sid-half'), 60);
    // The sessions step alone (what `delete` does first), without the index step after it.
    await redis.del(keys.session('half-logout'));
    await redis.set(keys.tombstone('half-logout'), '1', 'PX', 60_000);
    expect(await backend.get('half-logout')).toBeUndefined();
    expect(await backend.deleteByLogout({ sub: 'auth0|half' })).toBe(0);
    expect(await redis.exists(keys.subIndex('auth0|half'))).toBe(0);
  });
});

describe('indexes', () => {
  it('follow a session whose user changes under the same id', async () => {
    await backend.set('mover', sessionOf('auth0|before', 'sid-mover'), 60);
    await backend.set('mover', sessionOf('auth0|after', 'sid-mover'), 60);
    expect(await redis.exists(keys.subIndex('auth0|before'))).toBe(0);
    expect(await backend.deleteByLogout({ sub: 'auth0|before' })).toBe(0);
    expect(await backend.deleteByLogout({ sub: 'auth0|after' })).toBe(1);
  });

  it('foreign data where an index should be reads as empty, and is replaced at the next login', async () => {
    await redis.set(keys.subIndex('auth0|foreign'), 'not an index');
    expect(await backend.deleteByLogout({ sub: 'auth0|foreign' })).toBe(0);
    await backend.set('foreign-1', sessionOf('auth0|foreign', 'sid-foreign'), 60);
    expect(await redis.type(keys.subIndex('auth0|foreign'))).toBe('zset');
    expect(await backend.deleteByLogout({ sub: 'auth0|foreign' })).toBe(1);
  });

  it('once every session is logged out, only tombstones are left, expiring with the sessions', async () => {
    const sub = 'auth0|tidy';
    await backend.set('tidy-1', sessionOf(sub, 'sid-tidy'), 60);
    await backend.set('tidy-2', sessionOf(sub, 'sid-tidy-2'), 60);
    await backend.delete('tidy-1');
    expect(await backend.deleteByLogout({ sub })).toBe(1);
    const left = await keysUnder(redis, `${prefix}`);
    const mine = left.filter((name) => name.includes('tidy') || name.includes(keys.subIndex(sub)));
    expect(mine.sort()).toEqual([keys.tombstone('tidy-1'), keys.tombstone('tidy-2')].sort());
    for (const name of mine) expect(await redis.pttl(name)).toBeLessThanOrEqual(60_000);
  });
});

describe('upgrading from the single-tag layout logs no one out', () => {
  const old = singleTagLayout(prefix);
  let before: RedisSessionBackend;
  beforeAll(() => {
    // The backend as it was configured before the upgrade: every key under one tag.
    before = backendFor(prefix, { keyLayout: 'single-tag' });
  });
  afterAll(() => before.close());

  it('reads a session written before, and keeps updating it where it lives', async () => {
    const session = sessionOf('auth0|upgraded', 'sid-upgraded');
    await before.set('old-session', session, 600);
    expect(await backend.get('old-session')).toEqual(session);
    const refreshed = { ...session, refreshToken: 'rotated-after-upgrade' };
    await backend.set('old-session', refreshed, 600);
    expect(await backend.get('old-session')).toEqual(refreshed);
    // Still in the single-tag layout, so a machine not yet upgraded reads it too.
    expect(await before.get('old-session')).toEqual(refreshed);
    expect(await redis.exists(keys.session('old-session'))).toBe(0);
  });

  it('ends sessions of both layouts in one logout, by sub, by sid and one by one', async () => {
    const sub = 'auth0|both-layouts';
    await before.set('old-1', sessionOf(sub, 'sid-both'), 600);
    await before.set('old-2', sessionOf(sub, 'sid-both-2'), 600);
    await backend.set('new-1', sessionOf(sub, 'sid-both'), 600);
    await backend.set('new-2', sessionOf(sub, 'sid-both-3'), 600);
    expect(await backend.deleteByLogout({ sid: 'sid-both' })).toBe(2);
    await backend.delete('old-2');
    expect(await backend.get('old-2')).toBeUndefined();
    expect(await backend.deleteByLogout({ sub })).toBe(1);
    for (const id of ['old-1', 'old-2', 'new-1', 'new-2']) {
      expect(await backend.get(id)).toBeUndefined();
    }
    // A write in flight for an old session after its logout does not bring it back.
    await backend.set('old-1', sessionOf(sub, 'sid-both'), 600);
    expect(await backend.get('old-1')).toBeUndefined();
    expect(await redis.exists(old.session('old-1'))).toBe(0);
  });

  it('with readSingleTag: false, old sessions are no longer looked for', async () => {
    await before.set('old-ignored', sessionOf('auth0|late', 'sid-late'), 600);
    const after = backendFor(prefix, { readSingleTag: false });
    try {
      expect(await after.get('old-ignored')).toBeUndefined();
    } finally {
      await after.close();
    }
  });
});

describe('the layout options are checked at construction', () => {
  const table: [string, Record<string, unknown>, string][] = [
    ['an unknown layout', { keyLayout: 'sharded' }, 'keyLayout'],
    ['readSingleTag that is not a boolean', { readSingleTag: 'yes' }, 'readSingleTag'],
    ['a misspelt option', { keyLayuot: 'single-tag' }, 'keyLayuot'],
    ['a key prefix that is not a string', { keyPrefix: 42 }, 'keyPrefix'],
  ];
  it.each(table)('refuses %s, naming it', (_name, extra, option) => {
    const attempt = () =>
      new RedisSessionBackend({ url: REDIS_URL, secret: SECRET, ...extra } as never);
    expect(attempt).toThrow(ConfigurationError);
    expect(attempt).toThrow(expect.objectContaining({ option }));
  });
});
