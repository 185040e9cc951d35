/**
 * `pnpm bench` (full, ~7 minutes) or `node dist/main.js --quick` (seconds, for the test suite):
 * runs every scenario of issue 11 against servers on 127.0.0.1, prints the table and writes the
 * JSON report (`results/latest.json`, or `results/quick.json` in quick mode).
 *
 * Options: `--quick`; `--only=api-express,session,session-fastify,...` to run some groups; `--out=FILE`;
 * `--connections=N`, `--duration=S`, `--rounds=N`, `--warmup=S` to change the load of the chosen
 * mode; `--cpu-prof=DIR` to have every server and worker write a CPU profile into DIR.
 */
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadSettings } from './load.js';
import {
  computeRatios,
  formatReport,
  type Group,
  type Measurement,
  machine,
  type Report,
  writeReport,
} from './report.js';
import { EXPRESS_API, FASTIFY_API, runApiRoute } from './scenarios/api-route.js';
import { runCookieBytes } from './scenarios/cookie-bytes.js';
import { type MemorySettings, runMemory } from './scenarios/memory.js';
import { type RawVerifySettings, runRawVerify } from './scenarios/raw-verify.js';
import { runSessionPage } from './scenarios/session-page.js';
import { profileChildrenInto } from './support/child.js';
import { LocalIssuer, tokenSet } from './support/issuer.js';
import { benchCluster } from './support/redis-cluster.js';
import { evaluateTargets } from './targets.js';

interface Settings {
  load: LoadSettings;
  raw: RawVerifySettings;
  memory: MemorySettings;
}

const SETTINGS: Record<'quick' | 'full', Settings> = {
  quick: {
    load: { connections: 16, duration: 1, warmup: 0, rounds: 1, requests: 400 },
    raw: { roundMs: 250, rounds: 1 },
    memory: { count: 3_000, verifiedTokens: 1_000, unknownKeyIds: 1_000 },
  },
  full: {
    // Many short rounds rather than a few long ones: on a shared machine a burst of other work
    // spoils a round or two, and the median of nine shrugs them off.
    load: { connections: 32, duration: 2, warmup: 2, rounds: 9 },
    raw: { roundMs: 1_000, rounds: 9 },
    memory: { count: 100_000, verifiedTokens: 10_000, unknownKeyIds: 1_000 },
  },
};

const GROUPS: Group[] = [
  'api-express',
  'api-fastify',
  'session',
  'session-fastify',
  'cookie-bytes',
  'raw-verify',
  'memory',
];

function parseArguments(argv: string[]) {
  const quick = argv.includes('--quick');
  const value = (name: string) =>
    argv.find((argument) => argument.startsWith(`--${name}=`))?.slice(name.length + 3);
  const only = value('only')?.split(',') as Group[] | undefined;
  const unknown = only?.filter((group) => !GROUPS.includes(group));
  if (unknown?.length)
    throw new Error(`unknown group(s) ${unknown.join(', ')}; use ${GROUPS.join(', ')}`);
  const defaultOut = new URL(`../results/${quick ? 'quick' : 'latest'}.json`, import.meta.url);
  const load: Partial<LoadSettings> = {};
  for (const name of ['connections', 'duration', 'rounds', 'warmup'] as const) {
    const given = value(name);
    if (given === undefined) continue;
    const parsed = Number(given);
    if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`--${name} needs a whole number`);
    load[name] = parsed;
  }
  return {
    quick,
    groups: only ?? GROUPS,
    out: value('out') ?? fileURLToPath(defaultOut),
    cpuProfiles: value('cpu-prof'),
    load,
  };
}

async function main(): Promise<number> {
  const args = parseArguments(process.argv.slice(2));
  if (args.cpuProfiles) profileChildrenInto(resolve(args.cpuProfiles));
  const preset = SETTINGS[args.quick ? 'quick' : 'full'];
  const settings: Settings = { ...preset, load: { ...preset.load, ...args.load } };
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const started = performance.now();
  const loadAtStart = Number((loadavg()[0] ?? 0).toFixed(2));
  const issuer = await LocalIssuer.start();
  const tokens = tokenSet(issuer);
  const measurements: Measurement[] = [];
  const log = (message: string) =>
    process.stderr.write(
      `[bench ${((performance.now() - started) / 1000).toFixed(0)}s] ${message}\n`,
    );

  const runGroup = async (group: Group): Promise<Measurement[]> => {
    log(`running ${group}`);
    if (group === 'api-express')
      return runApiRoute(group, EXPRESS_API, issuer, tokens, settings.load);
    if (group === 'api-fastify')
      return runApiRoute(group, FASTIFY_API, issuer, tokens, settings.load);
    if (group === 'session') {
      const cluster = await benchCluster();
      try {
        return await runSessionPage(group, issuer, settings.load, redisUrl, cluster.nodes);
      } finally {
        await cluster.close();
      }
    }
    if (group === 'session-fastify') {
      return runSessionPage(group, issuer, settings.load, redisUrl, []);
    }
    if (group === 'cookie-bytes') return runCookieBytes(issuer);
    if (group === 'raw-verify') return runRawVerify(issuer, tokens, settings.raw);
    return runMemory(issuer, settings.memory);
  };
  try {
    if (args.quick) {
      // The quick run checks that every scenario still works, not how fast: its groups run at once.
      measurements.push(...(await Promise.all(args.groups.map(runGroup))).flat());
    } else {
      for (const group of args.groups) measurements.push(...(await runGroup(group)));
    }
  } finally {
    await issuer.close();
  }

  computeRatios(measurements);
  const report: Report = {
    date: new Date().toISOString(),
    mode: args.quick ? 'quick' : 'full',
    command: ['node dist/main.js', ...process.argv.slice(2)].join(' '),
    machine: machine(loadAtStart),
    settings: { ...settings, redisUrl },
    durationSeconds: Math.round((performance.now() - started) / 1000),
    measurements,
    targets: evaluateTargets(measurements),
  };
  await writeReport(args.out, report);
  process.stdout.write(`${formatReport(report)}\n\nJSON: ${args.out}\n`);
  const failed = measurements.filter((m) => m.status === 'failed');
  for (const m of failed) log(`FAILED ${m.id}: ${m.reason}`);
  return failed.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : error}\n`);
    process.exit(2);
  },
);
