/**
 * Scenario 3: raw verification, no HTTP: `ApiClient.verifyAccessToken` next to jose's `jwtVerify`
 * and a bare `node:crypto` verify of the same RS256 token, in a child process of their own.
 */
import { median } from '../load.js';
import type { Measurement, Role } from '../report.js';
import { Child } from '../support/child.js';
import type { LocalIssuer, TokenSet } from '../support/issuer.js';
import type { RawVerifyResult } from '../workers/raw-verify.js';

const VERIFIERS: Record<string, { label: string; role: Role }> = {
  'raw-crypto': { label: 'node:crypto verify alone (limit)', role: 'limit' },
  'raw-gatehouse': { label: '@gatehouse/api ApiClient.verifyAccessToken', role: 'gatehouse' },
  'raw-gatehouse-cached': {
    label: '@gatehouse/api ApiClient.verifyAccessToken + token cache',
    role: 'gatehouse',
  },
  'raw-jose-remote': { label: 'jose jwtVerify (createRemoteJWKSet)', role: 'peer' },
  'raw-jose-key': { label: 'jose jwtVerify (key imported once)', role: 'info' },
};

export interface RawVerifySettings {
  /** Milliseconds of each round per verifier. */
  roundMs: number;
  rounds: number;
}

export async function runRawVerify(
  issuer: LocalIssuer,
  tokens: TokenSet,
  settings: RawVerifySettings,
): Promise<Measurement[]> {
  const child = Child.start('raw-verify-worker');
  try {
    const results = await child.call<RawVerifyResult[]>(
      'measure',
      {
        issuer: issuer.info(),
        token: tokens.valid,
        badToken: tokens.badSignature,
        roundMs: settings.roundMs,
        rounds: settings.rounds,
      },
      300_000,
    );
    return Object.entries(VERIFIERS).map(([id, { label, role }]) => {
      const result = results.find((candidate) => candidate.id === id);
      const base = { group: 'raw-verify' as const, id, label, role, unit: 'ops/s' as const };
      if (!result || result.failure) {
        return {
          ...base,
          status: 'failed',
          reason: result?.failure ?? 'not measured',
          checks: result?.checks ?? [],
          ratios: {},
        };
      }
      return {
        ...base,
        status: 'ok',
        checks: result.checks,
        median: median(result.rounds),
        rounds: result.rounds,
        ratios: {},
      };
    });
  } finally {
    await child.close();
  }
}
