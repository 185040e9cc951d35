/**
 * Child process of scenario 4 (run with `--expose-gc`): the heap growth of one `ApiClient` after
 * many distinct valid tokens (verified-token cache on, bounded) and after many random `kid`s
 * (unknown-kid cache, bounded). Heap is measured after forced GCs at the start, half-way and at
 * the end. The bounds are at most half the count, so the second half runs with full caches: a
 * bounded client stops growing there, while an unbounded one keeps growing at the same pace.
 *
 * Tokens are minted one at a time just before being verified (so that the only references kept to
 * them are the client's), signed with Ed25519: RS256 signing costs ~1.5 ms per token here, too
 * slow for 100,000 of them, while verification and caching do not depend on the algorithm.
 */
import { randomBytes } from 'node:crypto';
import { ApiClient } from '@gatehouse/api';
import { serveParent } from '../support/child.js';
import { edDsaMinter, type IssuerInfo } from '../support/issuer.js';

export interface MemoryRequest {
  issuer: IssuerInfo;
  signer: { kid: string; pem: string };
  /** Distinct tokens, and random kids, to send through. */
  count: number;
  /** The client's `cache.verifiedTokens`. */
  verifiedTokens: number;
  /** The client's `cache.unknownKeyIds`. */
  unknownKeyIds: number;
}

export interface MemoryResult {
  id: 'memory-distinct-tokens' | 'memory-random-kids';
  /** Heap growth from the start to the end, MB. */
  growthMb: number;
  /** Heap growth over the second half of the run, caches full, MB. */
  secondHalfMb: number;
  /** Heap growth over the first half, while the caches filled, MB. */
  firstHalfMb: number;
  /** Entries the cache holds at the end. */
  held: number;
  bound: number;
  /** Tokens accepted / refused: all distinct tokens must be accepted, all random kids refused. */
  accepted: number;
  refused: number;
  /** Discovery and JWKS fetches the client made. */
  fetches: number;
  seconds: number;
}

/** Random-kid tokens verified concurrently: as many as the requests one refetch can answer. */
const RANDOM_KID_BATCH = 1_000;

const gc = () => {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run the memory worker with --expose-gc');
  collect();
  collect();
};

const heapMb = () => {
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

async function distinctTokens(request: MemoryRequest): Promise<MemoryResult> {
  const mint = edDsaMinter(request.signer, request.issuer);
  const api = new ApiClient({
    domain: request.issuer.url,
    audience: request.issuer.audience,
    algorithms: ['EdDSA'],
    cache: { verifiedTokens: request.verifiedTokens },
  });
  await api.warmUp();
  await api.verifyAccessToken({ accessToken: mint({ sub: 'warm-up', jti: 'warm-up' }) });
  const started = performance.now();
  const start = heapMb();
  let middle = start;
  let accepted = 0;
  let refused = 0;
  for (let i = 0; i < request.count; i += 1) {
    const token = mint({ sub: `auth0|user-${i}`, jti: `jti-${i}`, scope: 'read:orders' });
    try {
      await api.verifyAccessToken({ accessToken: token });
      accepted += 1;
    } catch {
      refused += 1;
    }
    if (i + 1 === Math.floor(request.count / 2)) middle = heapMb();
    // Let I/O run now and then, as between a server's requests: awaiting resolved promises alone
    // never does, and the pooled connection to the issuer would go stale unnoticed.
    if (i % 1_000 === 999) await new Promise((resolve) => setImmediate(resolve));
  }
  const end = heapMb();
  const stats = api.stats();
  return {
    id: 'memory-distinct-tokens',
    growthMb: end - start,
    firstHalfMb: middle - start,
    secondHalfMb: end - middle,
    held: stats.verifiedTokens,
    bound: request.verifiedTokens,
    accepted,
    refused,
    fetches: stats.fetches,
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * Random `kid`s arrive in concurrent batches, with a simulated clock that moves past the refetch
 * cooldown and budget between batches: the first token of a batch refetches the JWKS and every
 * other one waits for that refetch and is then remembered as absent. One at a time, almost every
 * token would be refused by the cooldown alone and the unknown-kid cache would never fill; this is
 * the attack that fills it.
 */
async function randomKids(request: MemoryRequest): Promise<MemoryResult> {
  let clock = Date.now();
  const api = new ApiClient({
    domain: request.issuer.url,
    audience: request.issuer.audience,
    algorithms: ['EdDSA'],
    cache: { unknownKeyIds: request.unknownKeyIds },
    now: () => clock,
  });
  await api.warmUp();
  // The signature does not matter: nobody can sign for a key that is not published, and the kid
  // is looked up first. The claims are valid, so only the kid makes the token fail.
  const now = Math.floor(clock / 1000);
  const payload = Buffer.from(
    JSON.stringify({
      iss: request.issuer.issuer,
      aud: request.issuer.audience,
      sub: 'auth0|mallory',
      iat: now,
      exp: now + 3600,
    }),
  ).toString('base64url');
  const signature = randomBytes(64).toString('base64url');
  const randomKidToken = () => {
    const kid = randomBytes(16).toString('hex');
    const header = Buffer.from(JSON.stringify({ alg: 'EdDSA', typ: 'at+jwt', kid }));
    return `${header.toString('base64url')}.${payload}.${signature}`;
  };
  const batch = Math.min(RANDOM_KID_BATCH, request.count);
  const started = performance.now();
  const start = heapMb();
  let middle: number | undefined;
  let accepted = 0;
  let refused = 0;
  for (let sent = 0; sent < request.count; sent += batch) {
    const outcomes = await Promise.allSettled(
      Array.from({ length: Math.min(batch, request.count - sent) }, () =>
        api.verifyAccessToken({ accessToken: randomKidToken() }),
      ),
    );
    for (const outcome of outcomes) {
      if (outcome.status === 'fulfilled') accepted += 1;
      else refused += 1;
    }
    if (middle === undefined && sent + batch >= request.count / 2) middle = heapMb();
    // Past the cooldown and one budget token later: the next batch may refetch again.
    clock += 10_000;
  }
  const end = heapMb();
  const stats = api.stats();
  return {
    id: 'memory-random-kids',
    growthMb: end - start,
    firstHalfMb: (middle ?? start) - start,
    secondHalfMb: end - (middle ?? start),
    held: stats.unknownKeyIds,
    bound: request.unknownKeyIds,
    accepted,
    refused,
    fetches: stats.fetches,
    seconds: (performance.now() - started) / 1000,
  };
}

serveParent({
  async measure(request: MemoryRequest): Promise<MemoryResult[]> {
    return [await distinctTokens(request), await randomKids(request)];
  },
});
