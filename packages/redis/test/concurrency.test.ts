import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

const prefix = testPrefix('concurrency');
/** The single-tag layout, whose indexes are sets kept by one script (see spread.test.ts). */
const keys = singleTagLayout(prefix);
let redis: Redis;
let machines: RedisSessionBackend[];

beforeAll(() => {
  redis = rawClient();
  // Three app machines, each with its own connection, writing at the same time.
  machines = [
    backendFor(prefix, { keyLayout: 'single-tag' }),
    backendFor(prefix, { keyLayout: 'single-tag' }),
    backendFor(prefix, { keyLayout: 'single-tag' }),
  ];
});
afterAll(async () => {
  await removeKeys(redis, prefix);
  await Promise.all(machines.map((machine) => machine.close()));
  redis.disconnect();
});

const machine = (n: number) => machines[n % machines.length]!;

/**
 * The invariant the scripts keep: every stored session is listed in the two indexes its fields
 * name, and every index member is a stored session that names that index.
 */
async function expectConsistentIndexes() {
  const root = keys.session('').slice(0, -'session:'.length);
  const all = await keysUnder(redis, prefix);
  const sessionKeys = all.filter((key) => key.startsWith(`${root}session:`));
  const indexKeys = all.filter(
    (key) => key.startsWith(`${root}sub:`) || key.startsWith(`${root}sid:`),
  );
  for (const key of sessionKeys) {
    const id = key.slice(keys.session('').length);
    const [subIndex, sidIndex] = await redis.hmget(key, 'u', 'i');
    expect(await redis.sismember(subIndex!, id)).toBe(1);
    expect(await redis.sismember(sidIndex!, id)).toBe(1);
  }
  for (const index of indexKeys) {
    for (const id of await redis.smembers(index)) {
      const field = index.startsWith(`${root}sub:`) ? 'u' : 'i';
      expect(await redis.hget(keys.session(id), field)).toBe(index);
    }
  }
  return { sessions: sessionKeys.length, indexes: indexKeys.length };
}

describe('concurrent writers keep the indexes consistent', () => {
  it('parallel logins, rewrites and deletes from several machines', async () => {
    const users = Array.from({ length: 8 }, (_, n) => `auth0|user-${n}`);
    const ids = Array.from({ length: 120 }, (_, n) => `s${n}`);
    const ownerOf = (n: number) => users[n % users.length]!;
    const sidOf = (n: number) => `sid-${n % 30}`;

    // Everyone logs in at once.
    await Promise.all(ids.map((id, n) => machine(n).set(id, sessionOf(ownerOf(n), sidOf(n)), 600)));
    // Then, all at once: a third are deleted, a third rewritten (some moving to another user),
    // and the rest read.
    await Promise.all(
      ids.map((id, n) => {
        if (n % 3 === 0) return machine(n + 1).delete(id);
        if (n % 3 === 1) return machine(n + 2).set(id, sessionOf(ownerOf(n + 1), sidOf(n)), 600);
        return machine(n).get(id);
      }),
    );

    const { sessions } = await expectConsistentIndexes();
    expect(sessions).toBe(80);
    // Every user's logout now finds exactly the sessions that are theirs.
    const expected = new Map(users.map((user) => [user, 0]));
    ids.forEach((_id, n) => {
      if (n % 3 === 0) return;
      const owner = n % 3 === 1 ? ownerOf(n + 1) : ownerOf(n);
      expected.set(owner, (expected.get(owner) ?? 0) + 1);
    });
    const counts = await Promise.all(users.map((sub, n) => machine(n).deleteByLogout({ sub })));
    expect(counts).toEqual(users.map((user) => expected.get(user)));
    expect(await expectConsistentIndexes()).toEqual({ sessions: 0, indexes: 0 });
  });

  it('logins racing a logout of the same user: no session escapes the index', async () => {
    const sub = 'auth0|racer';
    await Promise.all(
      Array.from({ length: 40 }, (_, n) =>
        machine(n).set(`race-${n}`, sessionOf(sub, `sid-race-${n}`), 600),
      ),
    );
    const racing = Array.from({ length: 40 }, (_, n) =>
      n % 4 === 0
        ? machine(n).deleteByLogout({ sub })
        : machine(n).set(`race-late-${n}`, sessionOf(sub, `sid-late-${n}`), 600),
    );
    const results = await Promise.all(racing);
    const deletedByLogouts = results.reduce<number>((sum, value) => sum + (value ?? 0), 0);
    await expectConsistentIndexes();
    // Each session was deleted once at most, and what survived is exactly what one more logout finds.
    const survivors = (await keysUnder(redis, keys.session('race-'))).length;
    expect(deletedByLogouts + survivors).toBe(40 + 30);
    expect(await machine(0).deleteByLogout({ sub })).toBe(survivors);
    expect(await keysUnder(redis, keys.session('race-'))).toEqual([]);
  });
});
