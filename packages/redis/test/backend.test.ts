import { randomUUID } from 'node:crypto';
import { ConfigurationError, Sealer } from '@gatehouse/core';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisSessionBackend } from '../src/index.js';
import {
  backendFor,
  keysUnder,
  layout,
  OTHER_SECRET,
  REDIS_URL,
  rawClient,
  removeKeys,
  SECRET,
  sessionOf,
  testPrefix,
} from './support/redis.js';

const prefix = testPrefix('backend');
const keys = layout(prefix);
let redis: Redis;
let backend: RedisSessionBackend;
const newId = () => `session-${randomUUID()}`;
const expireTime = async (key: string) => Number(await redis.call('PEXPIRETIME', key));

beforeAll(() => {
  redis = rawClient();
  backend = backendFor(prefix);
});
afterAll(async () => {
  await removeKeys(redis, prefix);
  await backend.close();
  redis.disconnect();
});

describe('set, get and delete', () => {
  it('reads back what it stored, and nothing after a delete', async () => {
    const id = newId();
    const session = sessionOf('auth0|alice', 'sid-round-trip');
    await backend.set(id, session, 3600);
    expect(await backend.get(id)).toEqual(session);
    await backend.delete(id);
    expect(await backend.get(id)).toBeUndefined();
    expect(await redis.exists(keys.session(id))).toBe(0);
  });

  it('answers undefined for an id it never stored', async () => {
    expect(await backend.get('no-such-session')).toBeUndefined();
  });

  it('overwrites a session with its newer version', async () => {
    const id = newId();
    await backend.set(id, sessionOf('auth0|alice', 'sid-overwrite'), 3600);
    const newer = { ...sessionOf('auth0|alice', 'sid-overwrite'), refreshToken: 'rotated' };
    await backend.set(id, newer, 3600);
    expect(await backend.get(id)).toEqual(newer);
  });

  it('is read by a second backend (another app machine) with the same secret and prefix', async () => {
    const id = newId();
    const session = sessionOf('auth0|alice', 'sid-other-machine');
    await backend.set(id, session, 3600);
    const other = backendFor(prefix);
    try {
      expect(await other.get(id)).toEqual(session);
    } finally {
      await other.close();
    }
  });
});

describe('expiry', () => {
  it('gives the session key the TTL it was written with, and the indexes at least as much', async () => {
    const id = newId();
    const session = sessionOf('auth0|ttl', 'sid-ttl');
    await backend.set(id, session, 3600);
    const sessionTtl = await redis.pttl(keys.session(id));
    expect(sessionTtl).toBeGreaterThan(3_590_000);
    expect(sessionTtl).toBeLessThanOrEqual(3_600_000);
    // Absolute expiry times, so the time between two reads does not count.
    const endsAt = await expireTime(keys.session(id));
    expect(await expireTime(keys.subIndex('auth0|ttl'))).toBeGreaterThanOrEqual(endsAt);
    expect(await expireTime(keys.sidIndex('sid-ttl'))).toBeGreaterThanOrEqual(endsAt);
  });

  it('follows the TTL of the latest write, while the indexes keep the longest', async () => {
    const id = newId();
    await backend.set(id, sessionOf('auth0|ttl2', 'sid-ttl2'), 7200);
    await backend.set(id, sessionOf('auth0|ttl2', 'sid-ttl2'), 60);
    expect(await redis.pttl(keys.session(id))).toBeLessThanOrEqual(60_000);
    expect(await redis.pttl(keys.subIndex('auth0|ttl2'))).toBeGreaterThan(7_000_000);
  });

  it('honours fractions of a second', async () => {
    const id = newId();
    await backend.set(id, sessionOf('auth0|ttl3', 'sid-ttl3'), 1.5);
    const ttl = await redis.pttl(keys.session(id));
    expect(ttl).toBeGreaterThan(1000);
    expect(ttl).toBeLessThanOrEqual(1500);
  });

  it('refuses a TTL that is not a positive number, storing nothing', async () => {
    const id = newId();
    for (const ttl of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(backend.set(id, sessionOf('auth0|x', 'sid-x'), ttl)).rejects.toThrow(RangeError);
    }
    expect(await redis.exists(keys.session(id))).toBe(0);
  });
});

describe('sealing at rest', () => {
  it('stores no claim, token or user id in clear, in values or in key names', async () => {
    const id = newId();
    await backend.set(id, sessionOf('auth0|sealed-user', 'sid-sealed'), 3600);
    const stored = (await redis.hget(keys.session(id), 'd')) ?? '';
    expect(stored.startsWith('Fe26.2*')).toBe(true);
    for (const secretPart of [
      'sealed-user',
      'example.com',
      'access-token-of',
      'refresh-token-of',
      'id-token-of',
      'sid-sealed',
    ]) {
      expect(stored).not.toContain(secretPart);
    }
    const names = (await keysUnder(redis, prefix)).join(' ');
    expect(names).not.toContain('sealed-user');
    expect(names).not.toContain('sid-sealed');
  });

  it('cannot be read with a different secret', async () => {
    const id = newId();
    await backend.set(id, sessionOf('auth0|alice', 'sid-secret'), 3600);
    const stranger = backendFor(prefix, { secret: OTHER_SECRET });
    try {
      expect(await stranger.get(id)).toBeUndefined();
    } finally {
      await stranger.close();
    }
  });

  it('is read after a secret rotation that keeps the old secret second', async () => {
    const id = newId();
    const session = sessionOf('auth0|alice', 'sid-rotation');
    await backend.set(id, session, 3600);
    const rotated = backendFor(prefix, { secret: [OTHER_SECRET, SECRET] });
    try {
      expect(await rotated.get(id)).toEqual(session);
    } finally {
      await rotated.close();
    }
  });

  it("refuses one session's stored value copied under another session's key", async () => {
    const [victim, attacker] = [newId(), newId()];
    await backend.set(victim, sessionOf('auth0|admin', 'sid-admin'), 3600);
    await backend.set(attacker, sessionOf('auth0|mallory', 'sid-mallory'), 3600);
    const stolen = (await redis.hget(keys.session(victim), 'd'))!;
    await redis.hset(keys.session(attacker), 'd', stolen);
    expect(await backend.get(attacker)).toBeUndefined();
    expect(await backend.get(victim)).toMatchObject({ user: { sub: 'auth0|admin' } });
  });

  it('stores plain JSON only when told to (sealAtRest: false), and reads it back', async () => {
    const plain = backendFor(prefix, { sealAtRest: false, secret: undefined });
    try {
      const id = newId();
      const session = sessionOf('auth0|plain', 'sid-plain');
      await plain.set(id, session, 3600);
      expect(await redis.hget(keys.session(id), 'd')).toContain('auth0|plain');
      expect(await plain.get(id)).toEqual(session);
      // A sealing backend does not take unsealed data for a session.
      expect(await backend.get(id)).toBeUndefined();
    } finally {
      await plain.close();
    }
  });
});

describe('malformed data in Redis is treated as absent', () => {
  const sealedFor = async (purpose: string, id: string) =>
    new Sealer([SECRET], purpose).seal(
      { id, session: sessionOf('auth0|x', 'sid-x') },
      Date.now() / 1000 + 3600,
    );
  const cases: [string, (key: string, id: string) => Promise<unknown>][] = [
    ['a value that is not sealed', (key) => redis.hset(key, 'd', 'not sealed at all')],
    ['an empty value', (key) => redis.hset(key, 'd', '')],
    [
      'a truncated seal',
      async (key, id) => redis.hset(key, 'd', (await sealedFor('redis-session', id)).slice(0, 60)),
    ],
    [
      'a value sealed for cookies, not for Redis',
      async (key, id) => redis.hset(key, 'd', await sealedFor('session', id)),
    ],
    [
      'a session in clear JSON',
      (key, id) =>
        redis.hset(key, 'd', JSON.stringify({ id, session: sessionOf('auth0|x', 'sid-x') })),
    ],
    ['a hash without data', (key) => redis.hset(key, 'u', 'whatever')],
    ['a string key instead of a hash', (key) => redis.set(key, 'plain string')],
    ['a list key instead of a hash', (key) => redis.rpush(key, 'a', 'b')],
  ];

  it.each(cases)('%s', async (_name, write) => {
    const id = newId();
    await write(keys.session(id), id);
    await expect(backend.get(id)).resolves.toBeUndefined();
    // A login over it replaces it with a proper session.
    const session = sessionOf('auth0|after', 'sid-after');
    await backend.set(id, session, 60);
    expect(await backend.get(id)).toEqual(session);
  });

  it('sealed with our keys but of the wrong shape', async () => {
    const id = newId();
    const sealed = await new Sealer([SECRET], 'redis-session').seal(
      { id, session: { user: { name: 'no sub' } } },
      Date.now() / 1000 + 3600,
    );
    await redis.hset(keys.session(id), 'd', sealed);
    expect(await backend.get(id)).toBeUndefined();
  });

  it('plain JSON that does not parse or has the wrong shape, with sealAtRest: false', async () => {
    const plain = backendFor(prefix, { sealAtRest: false, secret: undefined });
    try {
      for (const value of [
        '{not json',
        '[]',
        'null',
        JSON.stringify({ id: 'other', session: {} }),
      ]) {
        const id = newId();
        await redis.hset(keys.session(id), 'd', value);
        expect(await plain.get(id)).toBeUndefined();
      }
    } finally {
      await plain.close();
    }
  });
});

describe('configuration is checked at construction', () => {
  const table: [string, ConstructorParameters<typeof RedisSessionBackend>[0], string][] = [
    ['no secret', { url: REDIS_URL }, 'secret'],
    ['a short secret', { url: REDIS_URL, secret: 'too-short' }, 'secret'],
    ['a short secret among rotated ones', { url: REDIS_URL, secret: [SECRET, 'short'] }, 'secret'],
    ['neither client nor url', { secret: SECRET }, 'url'],
    [
      'a key prefix with a hash tag of its own',
      { url: REDIS_URL, secret: SECRET, keyPrefix: 'a{b}:' },
      'keyPrefix',
    ],
    ['an empty key prefix', { url: REDIS_URL, secret: SECRET, keyPrefix: '' }, 'keyPrefix'],
    [
      'a zero command timeout',
      { url: REDIS_URL, secret: SECRET, commandTimeout: 0 },
      'commandTimeout',
    ],
  ];
  it.each(table)('refuses %s', (_name, options, option) => {
    const attempt = () => new RedisSessionBackend(options);
    expect(attempt).toThrow(ConfigurationError);
    expect(attempt).toThrow(expect.objectContaining({ option }));
  });

  it('refuses both a client and a url', () => {
    const client = rawClient();
    try {
      expect(() => new RedisSessionBackend({ client, url: REDIS_URL, secret: SECRET })).toThrow(
        expect.objectContaining({ option: 'client' }),
      );
    } finally {
      client.disconnect();
    }
  });
});

describe('with a client the app owns', () => {
  it("works under the client's own keyPrefix, and leaves the client open on close()", async () => {
    const appPrefix = `${prefix}app:`;
    const { Redis } = await import('ioredis');
    const client = new Redis(REDIS_URL, { keyPrefix: appPrefix });
    const owned = new RedisSessionBackend({ client, keyPrefix: 'sessions:', secret: SECRET });
    try {
      const id = newId();
      await owned.set(id, sessionOf('auth0|prefixed', 'sid-prefixed'), 60);
      await owned.set(newId(), sessionOf('auth0|prefixed', 'sid-prefixed-2'), 60);
      expect(await owned.get(id)).toMatchObject({ user: { sub: 'auth0|prefixed' } });
      const raw = layout('sessions:');
      expect(await redis.exists(`${appPrefix}${raw.session(id)}`)).toBe(1);
      // Index names travel inside the data: they must work under the client's prefix too.
      expect(await owned.deleteByLogout({ sub: 'auth0|prefixed' })).toBe(2);
      expect(await owned.get(id)).toBeUndefined();
      await owned.close();
      expect(client.status).toBe('ready');
    } finally {
      client.disconnect();
    }
  });
});

describe('with a client the backend makes', () => {
  it('connects a lazily connecting client at the first operation', async () => {
    const lazy = backendFor(prefix, { redisOptions: { lazyConnect: true } });
    try {
      const id = newId();
      await lazy.set(id, sessionOf('auth0|lazy', 'sid-lazy'), 60);
      expect(await lazy.get(id)).toMatchObject({ user: { sub: 'auth0|lazy' } });
    } finally {
      await lazy.close();
    }
  });
});
