import type { SessionData } from '@gatehouse/core';
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisSessionBackend, SessionStoreUnavailableError } from '../src/index.js';
import {
  CLUSTER_PORTS,
  cli,
  clusterClient,
  clusterIsOk,
  clusterNodes,
  nodeClient,
  startNode,
  until,
} from './support/cluster.js';
import { layout, SECRET, sessionOf, testPrefix } from './support/redis.js';

/**
 * The spread layout on a real Redis Cluster (three primaries, three replicas on 127.0.0.1:7000–
 * 7005, started by `support/cluster-setup.ts`).
 */
const prefix = testPrefix('cluster');
const keys = layout(prefix);
let cluster: Cluster;
let backend: RedisSessionBackend;
/** Three app machines, each with its own cluster connection; the first is `backend`. */
let machines: RedisSessionBackend[];
let clients: Cluster[];

beforeAll(async () => {
  clients = [clusterClient(), clusterClient(), clusterClient()];
  cluster = clients[0]!;
  machines = clients.map(
    (client) => new RedisSessionBackend({ client, keyPrefix: prefix, secret: SECRET }),
  );
  backend = machines[0]!;
  await Promise.all(machines.map((machine) => machine.get('warm-up')));
});

afterAll(async () => {
  await removeUnder(prefix);
  for (const client of clients) client.disconnect();
});

/** The primaries, each with the keys under `pattern` it holds. */
async function keysPerPrimary(pattern: string): Promise<Map<number, string[]>> {
  const primaries = (await clusterNodes(7000)).filter((node) => node.primary && !node.failed);
  const found = new Map<number, string[]>();
  for (const { port } of primaries) {
    const node = nodeClient(port);
    const keysOfNode: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      keysOfNode.push(...batch);
    } while (cursor !== '0');
    found.set(port, keysOfNode);
    node.disconnect();
  }
  return found;
}

async function removeUnder(keyPrefix: string) {
  for (const [port, names] of await keysPerPrimary(`${keyPrefix}*`)) {
    const node = nodeClient(port);
    const pipeline = node.pipeline();
    for (const name of names) pipeline.unlink(name);
    await pipeline.exec();
    node.disconnect();
  }
}

/** Runs `task` over `items`, at most `width` at a time. */
async function inBatches<T>(items: T[], width: number, task: (item: T) => Promise<unknown>) {
  for (let n = 0; n < items.length; n += width) {
    await Promise.all(items.slice(n, n + width).map(task));
  }
}

describe('sessions spread over the cluster', () => {
  it('3,000 sessions land on all three primaries, each holding 25–45 %', async () => {
    const ids = Array.from({ length: 3000 }, (_, n) => `spread-${n}-${prefix.slice(-13, -1)}`);
    await inBatches(ids, 50, (id) => backend.set(id, sessionOf(`auth0|u${id}`, `sid-${id}`), 600));
    const perPrimary = await keysPerPrimary(`${prefix}session:*`);
    expect(perPrimary.size).toBe(3);
    for (const names of perPrimary.values()) {
      expect(names.length / 3000).toBeGreaterThanOrEqual(0.25);
      expect(names.length / 3000).toBeLessThanOrEqual(0.45);
    }
    // Every one reads back, from any machine.
    const sample = ids.filter((_id, n) => n % 30 === 0);
    const read = await Promise.all(sample.map((id, n) => machines[n % 3]!.get(id)));
    expect(read.map((session) => session?.internal.sid)).toEqual(sample.map((id) => `sid-${id}`));
  });

  it('get, and rolling writes that extend the session and its index entries', async () => {
    const id = `rolling-${Date.now()}`;
    const first = sessionOf('auth0|roller', 'sid-roller');
    await backend.set(id, first, 60);
    expect(await machines[1]!.get(id)).toEqual(first);
    const later: SessionData = {
      ...first,
      refreshToken: 'rotated',
      internal: { ...first.internal, updatedAt: first.internal.updatedAt + 60 },
    };
    await machines[2]!.set(id, later, 3600);
    expect(await machines[0]!.get(id)).toEqual(later);
    expect(await cluster.pttl(keys.session(id))).toBeGreaterThan(3_500_000);
    // The index entry follows the latest expiry, so no prune drops it while the session lives.
    const score = Number(await cluster.zscore(keys.subIndex('auth0|roller'), id));
    expect(score).toBeGreaterThan(Date.now() + 3_500_000);
    expect(await cluster.pttl(keys.subIndex('auth0|roller'))).toBeGreaterThan(3_600_000);
  });
});

describe('deleteByLogout is exact across slots', () => {
  const user = 'auth0|many-slots';
  const other = 'auth0|bystander';
  /** 60 sessions of one user in three tenant sessions, and 20 of another user in one of them. */
  async function seed(tag: string) {
    const mine = Array.from({ length: 60 }, (_, n) => `${tag}-mine-${n}`);
    const theirs = Array.from({ length: 20 }, (_, n) => `${tag}-theirs-${n}`);
    await inBatches(mine, 60, (id) =>
      machines[id.length % 3]!.set(
        id,
        sessionOf(user, `${tag}-S${Number(id.split('-').pop()) % 3}`),
        600,
      ),
    );
    await inBatches(theirs, 20, (id) => backend.set(id, sessionOf(other, `${tag}-S0`), 600));
    // The user's sessions are on every primary: the logout must reach all of them.
    const perPrimary = await keysPerPrimary(`${prefix}session:{${tag}-mine-*`);
    expect([...perPrimary.values()].filter((names) => names.length > 0)).toHaveLength(3);
    return { mine, theirs };
  }
  const readable = async (ids: string[]) =>
    (await Promise.all(ids.map((id) => machines[1]!.get(id)))).filter(Boolean).length;

  it('by sub: every session of the user, none of anyone else', async () => {
    const { mine, theirs } = await seed('by-sub');
    expect(await machines[2]!.deleteByLogout({ sub: user })).toBe(60);
    expect(await readable(mine)).toBe(0);
    expect(await readable(theirs)).toBe(20);
    expect(await cluster.exists(keys.subIndex(user))).toBe(0);
    await backend.deleteByLogout({ sub: other });
  });

  it('by sid: every session of that tenant session, whoever the user', async () => {
    const { mine, theirs } = await seed('by-sid');
    expect(await backend.deleteByLogout({ sid: 'by-sid-S0' })).toBe(20 + 20);
    expect(await readable(mine)).toBe(40);
    expect(await readable(theirs)).toBe(0);
    expect(await backend.deleteByLogout({ sub: user, sid: 'by-sid-S1' })).toBe(20);
    expect(await readable(mine)).toBe(20);
    expect(await backend.deleteByLogout({ sub: user })).toBe(20);
  });
});

describe('a back-channel logout racing a login or a refresh of the same user', () => {
  it('never leaves readable a session that existed when the logout began (300 races)', async () => {
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    let survivorsOfLaterLogins = 0;
    for (let round = 0; round < 300; round++) {
      const sub = `auth0|racer-${round}`;
      const existing = `race-${round}-existing`;
      const fresh = `race-${round}-login`;
      const session = sessionOf(sub, `sid-race-${round}`);
      await machines[round % 3]!.set(existing, session, 600);
      // A refresh of the existing session and a new login, on two machines, and a logout on a
      // third, started from 4 ms before the login to 4 ms after it.
      let loginDoneAt = Number.POSITIVE_INFINITY;
      let logoutStartedAt = 0;
      const refresh = machines[(round + 1) % 3]!.set(
        existing,
        { ...session, refreshToken: 'r2' },
        600,
      );
      const startLogin = () =>
        machines[(round + 2) % 3]!.set(fresh, sessionOf(sub, `sid-race-${round}-b`), 600).then(
          () => {
            loginDoneAt = performance.now();
          },
        );
      const startLogout = () => {
        logoutStartedAt = performance.now();
        return machines[round % 3]!.deleteByLogout({ sub });
      };
      const offset = (round % 9) - 4;
      let login: Promise<void>;
      let logout: Promise<number>;
      if (offset < 0) {
        logout = startLogout();
        await sleep(-offset);
        login = startLogin();
      } else {
        login = startLogin();
        await sleep(offset);
        logout = startLogout();
      }
      await Promise.all([refresh, login, logout]);
      // The session that existed before the logout is gone, whatever the refresh did.
      expect(await machines[(round + 1) % 3]!.get(existing)).toBeUndefined();
      // A login finished before the logout began is ended by it.
      if (loginDoneAt < logoutStartedAt) expect(await backend.get(fresh)).toBeUndefined();
      // One that survived is listed in the index: the next logout finds it. No orphan.
      if (await backend.get(fresh)) {
        survivorsOfLaterLogins++;
        expect(await machines[2]!.deleteByLogout({ sub })).toBe(1);
        expect(await backend.get(fresh)).toBeUndefined();
      }
    }
    // Both outcomes happened: the race was real.
    expect(survivorsOfLaterLogins).toBeGreaterThan(0);
    expect(survivorsOfLaterLogins).toBeLessThan(300);
  });
});

describe('outages on the cluster are 503s', () => {
  it('a cluster that cannot be reached rejects with SessionStoreUnavailableError', async () => {
    const { Cluster } = await import('ioredis');
    const nowhere = new Cluster([{ host: '127.0.0.1', port: 1 }], {
      enableOfflineQueue: false,
      clusterRetryStrategy: () => null,
    });
    nowhere.on('error', () => {}); // the app's client, the app's error handling
    const lost = new RedisSessionBackend({ client: nowhere, secret: SECRET, commandTimeout: 300 });
    try {
      await expect(lost.get('x')).rejects.toBeInstanceOf(SessionStoreUnavailableError);
    } finally {
      nowhere.disconnect();
    }
  });
});

/**
 * Last, since it changes the cluster under the other tests (files run in parallel, tests of one
 * file in order): a primary is killed (SIGKILL: no goodbye to its peers), its replica takes over
 * after the node timeout, and the killed node comes back as a replica. Throughout, every session
 * read returns the session or fails with the documented 503; afterwards every session is there.
 */
const failoverSessions = new Map<string, SessionData>();
/** The replication offset a replica has applied, or its primary has sent. */
async function offset(port: number, field: 'master_repl_offset' | 'slave_repl_offset') {
  const info = (await cli(port, 'info', 'replication')) ?? '';
  return Number(info.match(new RegExp(`${field}:(\\d+)`))?.[1] ?? -1);
}

describe('a primary killed and its replica promoted', () => {
  it('loses no session, and answers only sessions or 503s meanwhile', async () => {
    for (let n = 0; n < 300; n++) {
      failoverSessions.set(`failover-${n}`, sessionOf(`auth0|f${n}`, `sid-f${n}`));
    }
    await Promise.all([...failoverSessions].map(([id, session]) => backend.set(id, session, 600)));
    const client = cluster;
    const nodes = await clusterNodes(CLUSTER_PORTS[0]);
    // The primary holding the first session's slot, and its replica.
    const slot = Number(await client.cluster('KEYSLOT', keys.session('failover-0')));
    const primaryPort = Number(
      ((await client.cluster('SLOTS')) as unknown as [number, number, [string, number]][]).find(
        ([from, to]) => slot >= from && slot <= to,
      )?.[2][1],
    );
    const primary = nodes.find((node) => node.port === primaryPort)!;
    const replica = nodes.find((node) => node.primaryId === primary.id)!;
    expect(replica).toBeDefined();
    // Writes so far have reached the replica (replication is asynchronous).
    await until(
      async () =>
        (await offset(replica.port, 'slave_repl_offset')) >=
        (await offset(primary.port, 'master_repl_offset')),
      5000,
      'the replica to catch up',
    );
    const dir = ((await cli(primary.port, 'config', 'get', 'dir')) ?? '').split('\n')[1]!;
    const pid = Number(
      ((await cli(primary.port, 'info', 'server')) ?? '').match(/process_id:(\d+)/)?.[1],
    );
    process.kill(pid, 'SIGKILL');

    const failures = new Set<string>();
    let unavailable = 0;
    let answered = 0;
    const deadline = Date.now() + 20_000;
    // Read every session, round after round, until one whole round succeeds after the takeover.
    for (;;) {
      const results = await Promise.allSettled(
        [...failoverSessions.keys()].map((id) => backend.get(id)),
      );
      let allRead = true;
      results.forEach((result, n) => {
        const id = `failover-${n}`;
        if (result.status === 'rejected') {
          allRead = false;
          if (result.reason instanceof SessionStoreUnavailableError) unavailable++;
          else failures.add(String(result.reason));
        } else {
          answered++;
          // Never "no session" and never someone else's: the session or a 503.
          if (JSON.stringify(result.value) !== JSON.stringify(failoverSessions.get(id))) {
            failures.add(`${id}: ${JSON.stringify(result.value)}`);
          }
        }
      });
      if (allRead && (await clusterIsOk(CLUSTER_PORTS.filter((port) => port !== primary.port)))) {
        break;
      }
      if (Date.now() > deadline) throw new Error('the cluster did not recover within 20 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect([...failures]).toEqual([]);
    expect(unavailable).toBeGreaterThan(0); // the outage was seen, as 503s
    expect(answered).toBeGreaterThan(0);
    // The replica is the primary now; writes and logouts work again.
    expect((await clusterNodes(replica.port)).find((node) => node.id === replica.id)?.primary).toBe(
      true,
    );
    await backend.set('failover-0', failoverSessions.get('failover-0')!, 600);
    expect(await backend.deleteByLogout({ sub: 'auth0|f1' })).toBe(1);
    failoverSessions.delete('failover-1');

    // The killed node comes back, as a replica of its former replica.
    await startNode(primary.port, dir);
    await until(() => clusterIsOk(), 15_000, 'the restarted node to rejoin');
    await until(
      async () =>
        ((await cli(primary.port, 'info', 'replication')) ?? '').includes('master_link_status:up'),
      15_000,
      'the restarted node to sync',
    );
  });
});
