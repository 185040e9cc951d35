import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where the bench's own cluster listens, clear of the ports the test suites use (7000–7005). */
const PORTS = [7100, 7101, 7102, 7103, 7104, 7105];

/** A Redis Cluster for the session scenario: its nodes (`host:port`), and how to stop it. */
export interface BenchCluster {
  nodes: string[];
  close(): Promise<void>;
}

const cli = (port: number, ...args: string[]) =>
  run('redis-cli', ['-p', String(port), ...args], { timeout: 30_000 }).then(
    ({ stdout }) => stdout,
    () => undefined,
  );

const clusterIsOk = async () =>
  (await Promise.all(PORTS.map((port) => cli(port, 'cluster', 'info')))).every((info) =>
    info?.includes('cluster_state:ok'),
  );

async function until(check: () => Promise<boolean>, what: string) {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The cluster named by `REDIS_CLUSTER_NODES` (`host:port,host:port,…`), or else one started for
 * the run with Debian's `redis-server` and `redis-cli --cluster create` on 127.0.0.1:7100–7105
 * (three primaries, three replicas), reused if already up there, removed at the end if started.
 */
export async function benchCluster(): Promise<BenchCluster> {
  const given = process.env.REDIS_CLUSTER_NODES;
  if (given) return { nodes: given.split(','), close: async () => {} };
  const nodes = PORTS.map((port) => `127.0.0.1:${port}`);
  if (await clusterIsOk()) return { nodes, close: async () => {} };
  const answering = await Promise.all(PORTS.map((port) => cli(port, 'ping')));
  if (answering.some(Boolean)) {
    // Something already listens there: a cluster still forming (give it a moment), or not ours.
    await until(clusterIsOk, 'the Redis Cluster already on 127.0.0.1:7100-7105 to be ok');
    return { nodes, close: async () => {} };
  }
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-bench-cluster-'));
  const stop = async () => {
    await Promise.all(PORTS.map((port) => cli(port, 'shutdown', 'nosave')));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await createCluster(dir, nodes);
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes, close: stop };
}

async function createCluster(dir: string, nodes: string[]) {
  for (const port of PORTS) {
    await run('redis-server', [
      ...['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes'],
      ...[
        '--cluster-config-file',
        join(dir, `nodes-${port}.conf`),
        '--cluster-node-timeout',
        '1000',
      ],
      ...['--save', '', '--appendonly', 'no', '--daemonize', 'yes', '--dir', dir],
    ]);
  }
  await until(
    async () => (await Promise.all(PORTS.map((port) => cli(port, 'ping')))).every(Boolean),
    'the nodes',
  );
  await cli(PORTS[0]!, '--cluster', 'create', ...nodes, '--cluster-replicas', '1', '--cluster-yes');
  await until(clusterIsOk, 'cluster_state:ok');
}
