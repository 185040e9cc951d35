import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Cluster, type ClusterOptions, Redis } from 'ioredis';

const run = promisify(execFile);

/** The loopback ports of the test cluster: three primaries and their three replicas. */
export const CLUSTER_PORTS = [7000, 7001, 7002, 7003, 7004, 7005] as const;
/** How long a node may be silent before the others fail it over: short, so tests stay fast. */
export const NODE_TIMEOUT_MS = 1000;

/** Sends one command to the node on `port` with redis-cli; its output, or undefined if down. */
export async function cli(port: number, ...args: string[]): Promise<string | undefined> {
  try {
    const { stdout } = await run('redis-cli', ['-p', String(port), ...args], { timeout: 30_000 });
    return stdout;
  } catch {
    return undefined;
  }
}

/** Starts (daemonized) the cluster node on `port`, with its state file and data in `dir`. */
export async function startNode(port: number, dir: string): Promise<void> {
  await run('redis-server', [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--cluster-enabled',
    'yes',
    '--cluster-config-file',
    `${dir}/nodes-${port}.conf`,
    '--cluster-node-timeout',
    String(NODE_TIMEOUT_MS),
    '--save',
    '',
    '--appendonly',
    'no',
    '--daemonize',
    'yes',
    '--dir',
    dir,
    '--logfile',
    `${dir}/redis-${port}.log`,
  ]);
}

/** Whether every node answers and sees the cluster as whole (`cluster_state:ok`). */
export async function clusterIsOk(ports: readonly number[] = CLUSTER_PORTS): Promise<boolean> {
  const states = await Promise.all(ports.map((port) => cli(port, 'cluster', 'info')));
  return states.every((info) => info?.includes('cluster_state:ok'));
}

/** Waits until `check` holds, polling every 50 ms, for at most `timeoutMs`. */
export async function until(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** One node as `CLUSTER NODES` lists it. */
export interface ClusterNode {
  id: string;
  port: number;
  primary: boolean;
  /** For a replica, the id of its primary. */
  primaryId: string | undefined;
  failed: boolean;
}

/** The cluster as the node on `port` sees it. */
export async function clusterNodes(port: number): Promise<ClusterNode[]> {
  const listing = (await cli(port, 'cluster', 'nodes')) ?? '';
  return listing
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [id, address, flags, primaryId] = line.split(' ') as [string, string, string, string];
      return {
        id,
        port: Number(address.split('@')[0]?.split(':')[1]),
        primary: flags.includes('master'),
        primaryId: primaryId === '-' ? undefined : primaryId,
        failed: flags.includes('fail'),
      };
    });
}

/**
 * An ioredis `Cluster` on the test cluster, set up as the README asks of an app's client: no
 * offline queue, nothing resent after a reconnect, and a command timeout (3 s: CI runs every
 * package's tests at once on two cores, where seven Redis processes can be slow to answer).
 */
export function clusterClient(options: ClusterOptions = {}): Cluster {
  return new Cluster(
    CLUSTER_PORTS.map((port) => ({ host: '127.0.0.1', port })),
    {
      enableOfflineQueue: false,
      slotsRefreshTimeout: 1000,
      clusterRetryStrategy: () => 100,
      redisOptions: {
        commandTimeout: 3000,
        autoResendUnfulfilledCommands: false,
        maxRetriesPerRequest: 1,
      },
      ...options,
    },
  );
}

/** A plain connection to one node, for looking at what it holds. */
export function nodeClient(port: number): Redis {
  return new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 1 });
}
