import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Measurement, Report } from '../src/report.js';

const root = fileURLToPath(new URL('..', import.meta.url));
/**
 * The test's own build of the benchmark. Not dist/: turbo may be building dist/ for `pnpm build`
 * at this very moment. Under node_modules/, so that the build still finds the packages it imports.
 */
const build = join(root, 'node_modules', '.cache', 'bench-quick');

/** Compiles the benchmark (its children are plain Node processes: they run compiled code). */
function compile(): void {
  const tsup = createRequire(import.meta.url).resolve('tsup/dist/cli-default.js');
  execFileSync(process.execPath, [tsup, '--out-dir', build, '--no-sourcemap'], {
    cwd: root,
    stdio: 'pipe',
  });
}

/** Runs `main.js --quick` and resolves with its exit code and output. */
function runQuick(out: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(build, 'main.js'), '--quick', `--out=${out}`], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk;
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('pnpm bench --quick', () => {
  let directory: string;
  let run: { code: number | null; output: string };
  let report: Report;
  const byId = (id: string): Measurement => {
    const found = report.measurements.find((m) => m.id === id);
    if (!found) throw new Error(`no measurement ${id}`);
    return found;
  };

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'gatehouse-bench-'));
    compile();
    run = await runQuick(join(directory, 'quick.json'));
    report = JSON.parse(await readFile(join(directory, 'quick.json'), 'utf8')) as Report;
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('exits 0 and prints every table and the targets', () => {
    expect(run.code, run.output).toBe(0);
    for (const title of ['Protected API route, Express', 'Protected API route, Fastify']) {
      expect(run.output).toContain(title);
    }
    for (const title of ['reads the session', 'Raw verification', 'Memory', 'Targets']) {
      expect(run.output).toContain(title);
    }
  });

  it('measures every scenario of the issue, each after passing its correctness checks', () => {
    expect(report.measurements.map((m) => m.id).sort()).toEqual(
      [
        'express-bare',
        'express-crypto-verify',
        'express-gatehouse',
        'express-gatehouse-cached',
        'express-oauth2-jwt-bearer',
        'fastify-bare',
        'fastify-crypto-verify',
        'fastify-gatehouse',
        'fastify-gatehouse-cached',
        'fastify-auth0-verify',
        'session-express-bare',
        'session-gatehouse-cookie',
        'session-gatehouse-redis',
        'session-gatehouse-redis-cluster',
        'session-express-openid-connect',
        'session-auth0-server-js',
        'session-fastify-bare',
        'session-fastify-gatehouse-cookie',
        'session-fastify-gatehouse-redis',
        'session-fastify-secure-session',
        'bytes-session-gatehouse-cookie-1',
        'bytes-session-gatehouse-cookie-3',
        'bytes-session-gatehouse-cookie-10',
        'bytes-session-express-openid-connect-1',
        'bytes-session-auth0-server-js-1',
        'raw-crypto',
        'raw-gatehouse',
        'raw-gatehouse-cached',
        'raw-jose-remote',
        'raw-jose-key',
        'memory-distinct-tokens',
        'memory-random-kids',
      ].sort(),
    );
    const failed = report.measurements.filter((m) => m.status !== 'ok');
    expect(failed.map((m) => `${m.id}: ${m.reason}`)).toEqual([]);
    for (const m of report.measurements) {
      expect(m.median, m.id).toBeTypeOf('number');
      if (m.unit !== 'MB') expect(m.median, m.id).toBeGreaterThan(0);
    }
    // Every session page reports the bytes of the session cookie its browser sends.
    for (const m of report.measurements.filter((candidate) =>
      candidate.group.startsWith('session'),
    )) {
      if (!m.id.endsWith('-bare')) expect(m.details?.cookieBytes, m.id).toBeTypeOf('number');
    }
  });

  it('counts a protected route only once it accepts the valid token and refuses bad ones', () => {
    const refusals = [
      '401 for a bad signature',
      '401 without a token',
      '401 for another audience',
      '401 for an expired token',
      '401 for another issuer',
    ];
    for (const id of [
      'express-gatehouse',
      'express-gatehouse-cached',
      'express-oauth2-jwt-bearer',
      'fastify-gatehouse',
      'fastify-gatehouse-cached',
      'fastify-auth0-verify',
    ]) {
      expect(byId(id).checks, id).toEqual(['200 for a valid token', ...refusals]);
    }
    for (const id of ['express-crypto-verify', 'fastify-crypto-verify']) {
      expect(byId(id).checks, id).toEqual([
        '200 for a valid token',
        '401 for a bad signature',
        '401 without a token',
      ]);
    }
  });

  it('counts a session page only once it shows the logged-in user and nobody otherwise', () => {
    for (const id of [
      'session-gatehouse-cookie',
      'session-gatehouse-redis',
      'session-gatehouse-redis-cluster',
      'session-express-openid-connect',
      'session-auth0-server-js',
      'session-fastify-gatehouse-cookie',
      'session-fastify-gatehouse-redis',
      'session-fastify-secure-session',
    ]) {
      expect(byId(id).checks, id).toEqual([
        'page shows the user of the session',
        'no user without a cookie',
        'no user with a tampered cookie',
      ]);
    }
  });

  it('reads a Redis session in one round trip, on a single Redis and on a cluster', () => {
    for (const id of [
      'session-gatehouse-redis',
      'session-gatehouse-redis-cluster',
      'session-fastify-gatehouse-redis',
    ]) {
      expect(byId(id).details?.redisCommandsPerRequest, id).toBe(1);
    }
  });

  it('counts a raw verifier only once it accepts the token and refuses a bad signature', () => {
    for (const m of report.measurements.filter((candidate) => candidate.group === 'raw-verify')) {
      expect(m.checks, m.id).toEqual(['accepts the valid token', 'refuses a bad signature']);
    }
  });

  it('keeps the caches of one ApiClient within their bounds, every token answered', () => {
    const distinct = byId('memory-distinct-tokens');
    const kids = byId('memory-random-kids');
    expect(distinct.checks).toEqual(['every token accepted']);
    expect(kids.checks).toEqual(['every token refused']);
    for (const m of [distinct, kids]) {
      // Full: the scenario really reached the bound it is about, and went no further.
      expect(m.details?.held, m.id).toBe(m.details?.bound);
    }
  });

  it('evaluates every target of the issue from the run', () => {
    expect(report.targets.map((target) => target.id)).toEqual([
      'express-ahead-of-peer',
      'express-near-limit',
      'express-cached-near-ceiling',
      'fastify-ahead-of-peer',
      'fastify-near-limit',
      'fastify-cached-near-ceiling',
      'raw-vs-jose',
      'raw-vs-jose-key',
      'raw-vs-crypto',
      'session-cookie-vs-eoc',
      'session-redis-vs-eoc',
      'session-redis-cluster-vs-eoc',
      'session-gatehouse-cookie-vs-bare',
      'session-gatehouse-redis-vs-bare',
      'session-fastify-gatehouse-cookie-vs-bare',
      'session-fastify-gatehouse-redis-vs-bare',
      'cookie-bytes-vs-eoc',
      'cookie-chunks-three-apis',
      'session-gatehouse-redis-round-trips',
      'session-gatehouse-redis-cluster-round-trips',
      'session-fastify-gatehouse-redis-round-trips',
      'memory-distinct-tokens',
      'memory-random-kids',
    ]);
    for (const target of report.targets) {
      expect(target.holds, target.id).not.toBeNull();
      expect(target.value, target.id).toBeTypeOf('number');
    }
  });
});
