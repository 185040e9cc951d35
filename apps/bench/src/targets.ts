import type { Measurement, Target } from './report.js';

/**
 * The targets of issue 11, evaluated on one run's figures. A target whose figures are absent or
 * failed is reported as not evaluable (`holds: null`), never as met.
 */
export function evaluateTargets(measurements: Measurement[]): Target[] {
  const byId = (id: string) => {
    const m = measurements.find((candidate) => candidate.id === id);
    return m?.status === 'ok' ? m : undefined;
  };
  const ratio = (id: string, over: string): number | undefined => {
    const a = byId(id)?.median;
    const b = byId(over)?.median;
    return a !== undefined && b ? a / b : undefined;
  };
  const atLeast = (id: string, description: string, value: number | undefined, goal: number) => ({
    id,
    description,
    value,
    goal: `≥ ${goal.toFixed(2)}`,
    holds: value === undefined ? null : value >= goal,
  });
  const above = (id: string, description: string, value: number | undefined) => ({
    id,
    description,
    value,
    goal: '> 1.00',
    holds: value === undefined ? null : value > 1,
  });

  const targets: Target[] = [];
  for (const [framework, peer] of [
    ['express', 'express-oauth2-jwt-bearer'],
    ['fastify', 'fastify-auth0-verify'],
  ] as const) {
    const name = framework === 'express' ? 'Express' : 'Fastify';
    targets.push(
      above(
        `${framework}-ahead-of-peer`,
        `${name}: Gatehouse without token cache ÷ ${peer}`,
        ratio(`${framework}-gatehouse`, peer),
      ),
      atLeast(
        `${framework}-near-limit`,
        `${name}: Gatehouse without token cache ÷ physical limit (bare + 1 crypto.verify)`,
        ratio(`${framework}-gatehouse`, `${framework}-crypto-verify`),
        0.9,
      ),
      atLeast(
        `${framework}-cached-near-ceiling`,
        `${name}: Gatehouse with token cache ÷ bare framework`,
        ratio(`${framework}-gatehouse-cached`, `${framework}-bare`),
        0.9,
      ),
    );
  }
  targets.push(
    atLeast(
      'raw-vs-jose',
      'Raw verify: ApiClient ÷ jose jwtVerify (createRemoteJWKSet)',
      ratio('raw-gatehouse', 'raw-jose-remote'),
      2,
    ),
    atLeast(
      'raw-vs-jose-key',
      'Raw verify: ApiClient ÷ jose jwtVerify (key imported once)',
      ratio('raw-gatehouse', 'raw-jose-key'),
      2,
    ),
    atLeast(
      'raw-vs-crypto',
      'Raw verify: ApiClient ÷ bare node:crypto verify',
      ratio('raw-gatehouse', 'raw-crypto'),
      0.8,
    ),
    atLeast(
      'session-cookie-vs-eoc',
      'Session page: Gatehouse cookie session ÷ express-openid-connect',
      ratio('session-gatehouse-cookie', 'session-express-openid-connect'),
      1.3,
    ),
    atLeast(
      'session-redis-vs-eoc',
      'Session page: Gatehouse Redis session ÷ express-openid-connect',
      ratio('session-gatehouse-redis', 'session-express-openid-connect'),
      1.3,
    ),
  );
  targets.push(
    atLeast(
      'session-redis-cluster-vs-eoc',
      'Session page: Gatehouse Redis Cluster session ÷ express-openid-connect',
      ratio('session-gatehouse-redis-cluster', 'session-express-openid-connect'),
      1.3,
    ),
  );
  // Issue 27: session pages near the bare page, on both frameworks.
  for (const [framework, prefix, bare] of [
    ['Express', 'session-gatehouse', 'session-express-bare'],
    ['Fastify', 'session-fastify-gatehouse', 'session-fastify-bare'],
  ] as const) {
    targets.push(
      atLeast(
        `${prefix}-cookie-vs-bare`,
        `Session page, ${framework}: Gatehouse cookie session ÷ bare ${framework}`,
        ratio(`${prefix}-cookie`, bare),
        0.8,
      ),
      atLeast(
        `${prefix}-redis-vs-bare`,
        `Session page, ${framework}: Gatehouse Redis session ÷ bare ${framework}`,
        ratio(`${prefix}-redis`, bare),
        0.7,
      ),
    );
  }
  const bytesRatio = ratio(
    'bytes-session-gatehouse-cookie-1',
    'bytes-session-express-openid-connect-1',
  );
  targets.push({
    id: 'cookie-bytes-vs-eoc',
    description:
      'Cookie bytes, login with one API token: Gatehouse ÷ express-openid-connect (same tokens)',
    value: bytesRatio,
    goal: '≤ 0.80',
    holds: bytesRatio === undefined ? null : bytesRatio <= 0.8,
  });
  const threeApis = byId('bytes-session-gatehouse-cookie-3')?.details?.chunks;
  targets.push({
    id: 'cookie-chunks-three-apis',
    description: 'Cookie chunks, Gatehouse with tokens for three APIs',
    value: threeApis === undefined ? undefined : Number(threeApis),
    goal: '≤ 2',
    holds: threeApis === undefined ? null : Number(threeApis) <= 2,
  });
  for (const id of [
    'session-gatehouse-redis',
    'session-gatehouse-redis-cluster',
    'session-fastify-gatehouse-redis',
  ]) {
    const value = byId(id)?.details?.redisCommandsPerRequest;
    targets.push({
      id: `${id}-round-trips`,
      description: `Session page${id.includes('fastify') ? ', Fastify' : ''}: Redis round trips per request, ${id.endsWith('cluster') ? 'Redis Cluster' : 'single Redis'}`,
      value: value === undefined ? undefined : Number(value),
      goal: '= 1.00',
      holds: value === undefined ? null : Number(value) === 1,
    });
  }
  for (const id of ['memory-distinct-tokens', 'memory-random-kids']) {
    const m = byId(id);
    targets.push({
      id,
      description:
        id === 'memory-distinct-tokens'
          ? 'Memory: distinct tokens, heap growth over the second half (MB), cache full'
          : 'Memory: random kids, heap growth over the second half (MB), cache full',
      value: m ? Number(m.details?.secondHalfMb) : undefined,
      goal: 'flat; held ≤ bound',
      holds: m ? m.details?.bounded === 'yes' : null,
    });
  }
  return targets;
}
