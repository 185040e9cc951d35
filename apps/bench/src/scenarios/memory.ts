/**
 * Scenario 4: memory. One `ApiClient` in a child process started with `--expose-gc` verifies many
 * distinct valid tokens (verified-token cache on) and many tokens with random `kid`s; the heap
 * growth is compared with the configured cache bounds.
 */
import type { Measurement } from '../report.js';
import { Child } from '../support/child.js';
import type { LocalIssuer } from '../support/issuer.js';
import type { MemoryRequest, MemoryResult } from '../workers/memory.js';

export type MemorySettings = Pick<MemoryRequest, 'count' | 'verifiedTokens' | 'unknownKeyIds'>;

/**
 * A cache is bounded when it holds no more entries than its bound and the heap stopped growing
 * once it was full: over the second half of the run, under 1 MB or under a tenth of the first
 * half's growth (V8's own warm-up still adds a little, unbounded caching would add as much again).
 */
export function isBounded(result: MemoryResult): boolean {
  return (
    result.held <= result.bound &&
    result.secondHalfMb <= Math.max(1, 0.1 * Math.max(result.firstHalfMb, 0))
  );
}

export async function runMemory(
  issuer: LocalIssuer,
  settings: MemorySettings,
): Promise<Measurement[]> {
  if (Math.max(settings.verifiedTokens, settings.unknownKeyIds) > settings.count / 2) {
    throw new Error('the cache bounds must be at most half the count: the second half is the test');
  }
  const child = Child.start('memory-worker', 'memory', ['--expose-gc']);
  try {
    const results = await child.call<MemoryResult[]>(
      'measure',
      { issuer: issuer.info(), signer: issuer.edDsaSigner(), ...settings } satisfies MemoryRequest,
      600_000,
    );
    return results.map((result) => {
      const distinct = result.id === 'memory-distinct-tokens';
      const label = distinct
        ? `${settings.count.toLocaleString('en-US')} distinct valid tokens (cache.verifiedTokens ${result.bound.toLocaleString('en-US')})`
        : `${settings.count.toLocaleString('en-US')} random kids (cache.unknownKeyIds ${result.bound.toLocaleString('en-US')})`;
      const expected = distinct
        ? result.accepted === settings.count
        : result.refused === settings.count;
      const checks = [distinct ? 'every token accepted' : 'every token refused'];
      return {
        group: 'memory',
        id: result.id,
        label,
        role: 'gatehouse',
        unit: 'MB',
        status: expected ? 'ok' : 'failed',
        reason: expected
          ? undefined
          : `${result.accepted} accepted and ${result.refused} refused of ${settings.count}`,
        checks: expected ? checks : [],
        median: result.growthMb,
        ratios: {},
        details: {
          held: result.held,
          bound: result.bound,
          firstHalfMb: Number(result.firstHalfMb.toFixed(2)),
          secondHalfMb: Number(result.secondHalfMb.toFixed(2)),
          bytesPerEntry: Math.round((result.growthMb * 2 ** 20) / Math.max(result.held, 1)),
          fetches: result.fetches,
          seconds: Number(result.seconds.toFixed(1)),
          bounded: isBounded(result) ? 'yes' : 'no',
        },
      } satisfies Measurement;
    });
  } finally {
    await child.close();
  }
}
