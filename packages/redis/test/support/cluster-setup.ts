import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLUSTER_PORTS, cli, clusterIsOk, startNode, until } from './cluster.js';

/**
 * vitest global setup: a Redis Cluster of three primaries and three replicas on 127.0.0.1:7000–7005
 * for `cluster.test.ts`, made with Debian's `redis-server` and `redis-cli --cluster create`. A
 * cluster already up on those ports is reused and left running; one started here is shut down
 * and its directory removed at the end.
 */
export default async function setup(): Promise<() => Promise<void>> {
  if (await clusterIsOk()) return async () => {};
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-redis-cluster-'));
  await Promise.all(CLUSTER_PORTS.map((port) => startNode(port, dir)));
  await until(
    async () => (await Promise.all(CLUSTER_PORTS.map((port) => cli(port, 'ping')))).every(Boolean),
    10_000,
    'the cluster nodes to start',
  );
  const created = await cli(
    CLUSTER_PORTS[0],
    '--cluster',
    'create',
    ...CLUSTER_PORTS.map((port) => `127.0.0.1:${port}`),
    '--cluster-replicas',
    '1',
    '--cluster-yes',
  );
  if (created === undefined) throw new Error('redis-cli --cluster create failed');
  await until(() => clusterIsOk(), 20_000, 'cluster_state:ok on every node');
  return async () => {
    await Promise.all(CLUSTER_PORTS.map((port) => cli(port, 'shutdown', 'nosave')));
    await rm(dir, { recursive: true, force: true });
  };
}
