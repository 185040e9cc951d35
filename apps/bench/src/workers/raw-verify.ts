/**
 * Child process of scenario 3: verifications per second of the same RS256 token, one at a time
 * (each awaited before the next), by `ApiClient.verifyAccessToken`, jose's `jwtVerify` and a bare
 * `node:crypto` verify. Each verifier is checked first: it must accept the token and refuse the
 * same token with a changed signature.
 */
import { createPublicKey, verify } from 'node:crypto';
import { ApiClient } from '@gatehouse/api';
import { createRemoteJWKSet, importJWK, jwtVerify } from 'jose';
import { ALICE_SUB } from '../servers/types.js';
import { serveParent } from '../support/child.js';
import type { IssuerInfo } from '../support/issuer.js';

export interface RawVerifyRequest {
  issuer: IssuerInfo;
  token: string;
  badToken: string;
  /** Milliseconds of each round per verifier. */
  roundMs: number;
  rounds: number;
}

export interface RawVerifyResult {
  id: string;
  /** Verifications per second of each round; empty if the checks failed. */
  rounds: number[];
  checks: string[];
  failure?: string;
}

/** Whether a verifier accepted the token (a throw is a refusal too). */
type Verifier = (token: string) => Promise<boolean> | boolean;

/**
 * The verifiers. The libraries must also hand back Alice's claims; the bare `crypto.verify`, the
 * limit, only checks the signature.
 */
async function verifiers(request: RawVerifyRequest): Promise<Record<string, Verifier>> {
  const { issuer } = request;
  const api = new ApiClient({ domain: issuer.url, audience: issuer.audience });
  await api.warmUp();
  const cached = new ApiClient({
    domain: issuer.url,
    audience: issuer.audience,
    cache: { verifiedTokens: 10_000 },
  });
  await cached.warmUp();

  const remote = createRemoteJWKSet(new URL(issuer.jwksUri));
  const joseOptions = { issuer: issuer.issuer, audience: issuer.audience, algorithms: ['RS256'] };
  const { keys } = (await (await fetch(issuer.jwksUri)).json()) as {
    keys: Array<Record<string, unknown>>;
  };
  const jwk = keys.find((key) => key.alg === 'RS256');
  if (!jwk) throw new Error('the issuer publishes no RS256 key');
  const cryptoKey = await importJWK(jwk, 'RS256');
  const keyObject = createPublicKey({ key: jwk as never, format: 'jwk' });

  return {
    'raw-gatehouse': async (token) =>
      (await api.verifyAccessToken({ accessToken: token })).sub === ALICE_SUB,
    'raw-gatehouse-cached': async (token) =>
      (await cached.verifyAccessToken({ accessToken: token })).sub === ALICE_SUB,
    'raw-jose-remote': async (token) =>
      (await jwtVerify(token, remote, joseOptions)).payload.sub === ALICE_SUB,
    'raw-jose-key': async (token) =>
      (await jwtVerify(token, cryptoKey, joseOptions)).payload.sub === ALICE_SUB,
    'raw-crypto': (token) => {
      const dot = token.lastIndexOf('.');
      return verify(
        'sha256',
        Buffer.from(token.slice(0, dot)),
        keyObject,
        Buffer.from(token.slice(dot + 1), 'base64url'),
      );
    },
  };
}

async function check(verifier: Verifier, request: RawVerifyRequest): Promise<string[]> {
  if (!(await verifier(request.token))) throw new Error('the valid token was refused');
  let refused = false;
  try {
    refused = !(await verifier(request.badToken));
  } catch {
    refused = true;
  }
  if (!refused) throw new Error('a token with a changed signature was accepted');
  return ['accepts the valid token', 'refuses a bad signature'];
}

/** Verifications per second during `ms` milliseconds, one at a time. */
async function opsPerSecond(verifier: Verifier, token: string, ms: number): Promise<number> {
  const start = performance.now();
  const end = start + ms;
  let count = 0;
  let now = start;
  while (now < end) {
    for (let i = 0; i < 64; i += 1) {
      // Only a promise is awaited: the bare crypto.verify loop stays fully synchronous.
      const result = verifier(token);
      if (result instanceof Promise) await result;
    }
    count += 64;
    now = performance.now();
  }
  return (count * 1000) / (now - start);
}

serveParent({
  async measure(request: RawVerifyRequest): Promise<RawVerifyResult[]> {
    const all = await verifiers(request);
    const results: RawVerifyResult[] = [];
    for (const [id, verifier] of Object.entries(all)) {
      try {
        results.push({ id, rounds: [], checks: await check(verifier, request) });
      } catch (error) {
        results.push({ id, rounds: [], checks: [], failure: (error as Error).message });
      }
    }
    const passing = results.filter((result) => !result.failure);
    // Warm-up (JIT), then rounds taken in turn so that drift spreads over every verifier.
    for (const result of passing) {
      await opsPerSecond(all[result.id] as Verifier, request.token, request.roundMs / 2);
    }
    for (let round = 0; round < request.rounds; round += 1) {
      for (const result of passing) {
        result.rounds.push(
          await opsPerSecond(all[result.id] as Verifier, request.token, request.roundMs),
        );
      }
    }
    return results;
  },
});
