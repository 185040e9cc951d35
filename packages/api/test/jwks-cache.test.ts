/**
 * The key cache against a local key server that counts every request: rotation, single-flight,
 * cooldown and budget, the bounded unknown-kid cache under 10,000 random kids, Cache-Control,
 * stale-if-error, and the fetch rules (https only, no redirects, timeout, size cap).
 */
import { randomUUID } from 'node:crypto';
import {
  AUDIENCE,
  generateTestKey,
  jwksOf,
  mintAccessToken,
  type TestKey,
  withHeader,
} from '@gatehouse/test-kit/tokens';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiClient, type ApiClientOptions, KeysUnavailableError } from '../src/index.js';
import { ManualClock } from './support/clock.js';
import {
  DISCOVERY_PATH,
  JWKS_PATH,
  type JwksServer,
  MOVED_JWKS_PATH,
  startJwksServer,
} from './support/jwks-server.js';

let server: JwksServer;
let key: TestKey;
let clock: ManualClock;
beforeEach(async () => {
  key = await generateTestKey('ES256');
  server = await startJwksServer(jwksOf(key));
  clock = new ManualClock();
});
afterEach(() => server.close());

const client = (options: Partial<ApiClientOptions> = {}) =>
  new ApiClient({
    domain: server.url,
    audience: AUDIENCE,
    algorithms: ['ES256'],
    now: clock.now,
    ...options,
  });
const tokenFor = (signer: TestKey, header: Record<string, unknown> = {}, claims = {}) =>
  mintAccessToken(signer, { issuer: server.issuer, now: clock.seconds, header, claims });
const jwksFetches = () => server.requests[JWKS_PATH] ?? 0;

describe('fetching keys', () => {
  it('warmUp fetches discovery and keys once; verifications then need no request', async () => {
    const api = client();
    await api.warmUp();
    expect(server.requests).toEqual({ [DISCOVERY_PATH]: 1, [JWKS_PATH]: 1 });
    for (let i = 0; i < 5; i += 1)
      await api.verifyAccessToken({ accessToken: await tokenFor(key) });
    expect(server.total).toBe(2);
    expect(api.stats()).toMatchObject({ issuers: 1, keys: 1, fetches: 2 });
  });

  it('coalesces the fetches of concurrent first requests (single-flight)', async () => {
    const api = client();
    const token = await tokenFor(key);
    await Promise.all(
      Array.from({ length: 50 }, () => api.verifyAccessToken({ accessToken: token })),
    );
    expect(server.requests).toEqual({ [DISCOVERY_PATH]: 1, [JWKS_PATH]: 1 });
  });

  it('picks up a new key with one refetch, the first time a token names it', async () => {
    const api = client();
    await api.warmUp();
    const rotated = await generateTestKey('ES256');
    server.jwks = jwksOf(rotated, key);
    await api.verifyAccessToken({ accessToken: await tokenFor(rotated) });
    expect(jwksFetches()).toBe(2);
    await api.verifyAccessToken({ accessToken: await tokenFor(key) });
    expect(jwksFetches()).toBe(2);
  });

  it('coalesces refetches for a new kid across concurrent requests', async () => {
    const api = client();
    await api.warmUp();
    const rotated = await generateTestKey('ES256');
    server.jwks = jwksOf(rotated, key);
    const token = await tokenFor(rotated);
    await Promise.all(
      Array.from({ length: 20 }, () => api.verifyAccessToken({ accessToken: token })),
    );
    expect(jwksFetches()).toBe(2);
  });

  it('spaces unknown-kid refetches by the cooldown', async () => {
    const api = client({ cache: { refetchCooldown: 5 } });
    await api.warmUp();
    const unknown = async () =>
      api
        .verifyAccessToken({ accessToken: await tokenFor(key, { kid: randomUUID() }) })
        .catch((e) => e);
    expect(await unknown()).toMatchObject({ code: 'unknown_key' });
    expect(jwksFetches()).toBe(2);
    expect(await unknown()).toMatchObject({ code: 'unknown_key' });
    expect(jwksFetches()).toBe(2);
    clock.advance(5);
    await unknown();
    expect(jwksFetches()).toBe(3);
  });

  it('allows at most refetchesPerMinute unknown-kid refetches a minute', async () => {
    const api = client({ cache: { refetchCooldown: 1, refetchesPerMinute: 3 } });
    await api.warmUp();
    for (let i = 0; i < 10; i += 1) {
      clock.advance(1);
      await api
        .verifyAccessToken({ accessToken: await tokenFor(key, { kid: randomUUID() }) })
        .catch(() => undefined);
    }
    expect(jwksFetches()).toBe(1 + 3);
    clock.advance(60);
    await api
      .verifyAccessToken({ accessToken: await tokenFor(key, { kid: randomUUID() }) })
      .catch(() => undefined);
    expect(jwksFetches()).toBe(1 + 4);
  });

  it('remembers an unknown kid, so repeating it costs no refetch', async () => {
    const api = client({ cache: { refetchCooldown: 0, unknownKeyIdTtl: 30 } });
    await api.warmUp();
    const token = await tokenFor(key, { kid: 'stale-kid' });
    for (let i = 0; i < 10; i += 1) {
      await expect(api.verifyAccessToken({ accessToken: token })).rejects.toMatchObject({
        code: 'unknown_key',
      });
    }
    expect(jwksFetches()).toBe(2);
    expect(api.stats().unknownKeyIds).toBe(1);
    clock.advance(31);
    await api.verifyAccessToken({ accessToken: token }).catch(() => undefined);
    expect(jwksFetches()).toBe(3);
  });
});

describe('10,000 random kids', () => {
  it('at once: one refetch, and no memory kept for them', async () => {
    const api = client();
    await api.warmUp();
    const template = await tokenFor(key);
    for (let i = 0; i < 10_000; i += 1) {
      const token = withHeader(template, { kid: randomUUID() });
      await api.verifyAccessToken({ accessToken: token }).catch(() => undefined);
    }
    expect(jwksFetches()).toBe(2);
    expect(api.stats().unknownKeyIds).toBeLessThanOrEqual(1);
  });

  it('spread over 17 minutes: refetches within the budget and unknown kids within the bound', async () => {
    const api = client({ cache: { unknownKeyIds: 50, unknownKeyIdTtl: 3600, refetchCooldown: 0 } });
    await api.warmUp();
    const template = await tokenFor(key, {}, { exp: clock.seconds + 10_000 });
    let largest = 0;
    for (let i = 0; i < 10_000; i += 1) {
      clock.advance(0.1);
      const token = withHeader(template, { kid: randomUUID() });
      await api.verifyAccessToken({ accessToken: token }).catch(() => undefined);
      largest = Math.max(largest, api.stats().unknownKeyIds);
    }
    // 1,000 s: the 6-a-minute budget allows 6 up front plus 6 per minute; the JWKS expires every
    // 600 s (one more fetch each time); and the warm-up.
    const minutes = 1000 / 60;
    const bound = 1 + 6 + Math.ceil(minutes * 6) + Math.ceil(1000 / 600);
    expect(jwksFetches()).toBeGreaterThan(1);
    expect(jwksFetches()).toBeLessThanOrEqual(bound);
    expect(largest).toBeLessThanOrEqual(50);
    expect(api.stats().keys).toBe(1);
  });
});

describe('Cache-Control', () => {
  it.each([
    ['max-age=120', 119, 121],
    ['max-age=1 (raised to the 60 s floor)', 59, 61],
    ['max-age=999999 (capped at the 600 s ceiling)', 599, 601],
    ['no-store (the floor)', 59, 61],
    ['none at all (the ceiling)', 599, 601],
  ])('%s', async (label, stillFresh, stale) => {
    const header = label.split(' ')[0] as string;
    server.cacheControl = header === 'none' ? undefined : header;
    const api = client();
    await api.warmUp();
    const token = await tokenFor(key, {}, { exp: clock.seconds + 10_000 });
    clock.advance(stillFresh);
    await api.verifyAccessToken({ accessToken: token });
    expect(jwksFetches()).toBe(1);
    clock.advance(stale - stillFresh);
    await api.verifyAccessToken({ accessToken: token });
    expect(jwksFetches()).toBe(2);
  });
});

describe('a jwks_uri that discovery moves', () => {
  it('is followed as soon as discovery is stale, even while the keys are fresh', async () => {
    server.cacheControl = 'max-age=60';
    const api = client();
    await api.warmUp();
    const token = await tokenFor(key, {}, { exp: clock.seconds + 10_000 });
    // An unknown kid at 30 s refetches the keys: fresh until 90 s, discovery only until 60 s.
    clock.advance(30);
    await expect(
      api.verifyAccessToken({ accessToken: await tokenFor(key, { kid: randomUUID() }) }),
    ).rejects.toMatchObject({ code: 'unknown_key' });
    server.discovery = { jwks_uri: `${server.url}${MOVED_JWKS_PATH}` };
    await api.verifyAccessToken({ accessToken: token });
    expect(server.requests).toEqual({ [DISCOVERY_PATH]: 1, [JWKS_PATH]: 2 });
    clock.advance(31);
    await api.verifyAccessToken({ accessToken: token });
    await api.verifyAccessToken({ accessToken: token });
    expect(server.requests).toEqual({ [DISCOVERY_PATH]: 2, [JWKS_PATH]: 2, [MOVED_JWKS_PATH]: 1 });
  });
});

describe('an unreachable key server', () => {
  it('serves last-known-good keys within staleIfError, backs off, then fails with 503', async () => {
    const api = client({ cache: { maxAge: 60, staleIfError: 300, failureBackoff: 30 } });
    const token = await tokenFor(key, {}, { exp: clock.seconds + 10_000 });
    await api.verifyAccessToken({ accessToken: token });
    server.fault = 'error';
    clock.advance(61);
    await expect(api.verifyAccessToken({ accessToken: token })).resolves.toBeTruthy();
    const afterFailure = server.total;
    clock.advance(20);
    await api.verifyAccessToken({ accessToken: token });
    expect(server.total).toBe(afterFailure);
    clock.advance(300);
    const error = await api.verifyAccessToken({ accessToken: token }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeysUnavailableError);
    // The tenant's error body is not passed on.
    expect((error as Error).message).not.toContain('secrets');
    // Once the tenant is back, keys flow again.
    server.fault = 'none';
    clock.advance(30);
    await expect(api.verifyAccessToken({ accessToken: token })).resolves.toBeTruthy();
  });

  it('fails at once with 503 when there were never any keys', async () => {
    server.fault = 'error';
    const api = client();
    const token = await tokenFor(key);
    await expect(api.verifyAccessToken({ accessToken: token })).rejects.toMatchObject({
      code: 'keys_unavailable',
      status: 503,
    });
    const requests = server.total;
    await expect(api.verifyAccessToken({ accessToken: token })).rejects.toMatchObject({
      code: 'keys_unavailable',
    });
    expect(server.total).toBe(requests);
  });
});

describe('fetch rules', () => {
  const failure = async (setup: () => void, options: Partial<ApiClientOptions> = {}) => {
    setup();
    const api = client(options);
    const error = await api
      .verifyAccessToken({ accessToken: await tokenFor(key) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeysUnavailableError);
    return (error as Error).message;
  };

  it('follows no redirect', async () => {
    const message = await failure(() => {
      server.fault = 'redirect';
    });
    expect(message).toMatch(/redirect/);
    expect(Object.keys(server.requests).some((path) => path.startsWith('/redirected'))).toBe(false);
  });

  it('gives up after the timeout', async () => {
    const message = await failure(
      () => {
        server.fault = 'hang';
      },
      { httpTimeout: 100 },
    );
    expect(message).toMatch(/timed out after 100 ms/);
  });

  it('refuses a response over the size cap, announced or streamed', async () => {
    expect(
      await failure(() => {
        server.fault = 'oversized';
      }),
    ).toMatch(/over the 65536-byte cap/);
    await server.close();
    server = await startJwksServer(jwksOf(key));
    expect(
      await failure(() => {
        server.fault = 'oversized-chunked';
      }),
    ).toMatch(/over the 65536-byte cap/);
  });

  it('refuses a body that is not JSON', async () => {
    expect(
      await failure(() => {
        server.fault = 'not-json';
      }),
    ).toMatch(/not JSON/);
  });

  it('refuses a discovery document naming another issuer', async () => {
    expect(
      await failure(() => {
        server.discovery = { issuer: 'https://evil.example.com/' };
      }),
    ).toMatch(/another issuer/);
  });

  it('refuses a jwks_uri on another origin, or over plain http to a remote host', async () => {
    expect(
      await failure(() => {
        server.discovery = { jwks_uri: 'https://keys.evil.example.com/jwks.json' };
      }),
    ).toMatch(/not on the issuer origin/);
    expect(
      await failure(() => {
        server.discovery = { jwks_uri: 'http://keys.example.com/jwks.json' };
      }),
    ).toMatch(/not https/);
  });

  it('refuses a JWKS without a usable key', async () => {
    expect(
      await failure(() => {
        server.jwks = { keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 'hmac' }] };
      }),
    ).toMatch(/no usable signing key/);
  });
});

describe('the verified-token cache', () => {
  it('is bounded, and holds nothing when off (the default)', async () => {
    const off = client();
    const on = client({ cache: { verifiedTokens: 10 } });
    for (let i = 0; i < 25; i += 1) {
      const token = await tokenFor(key);
      await off.verifyAccessToken({ accessToken: token });
      await on.verifyAccessToken({ accessToken: token });
    }
    expect(off.stats().verifiedTokens).toBe(0);
    expect(on.stats().verifiedTokens).toBe(10);
  });

  it('never serves a token past its exp', async () => {
    const api = client({ cache: { verifiedTokens: 10 } });
    const token = await tokenFor(key, {}, { exp: clock.seconds + 60 });
    await api.verifyAccessToken({ accessToken: token });
    clock.advance(66);
    await expect(api.verifyAccessToken({ accessToken: token })).rejects.toMatchObject({
      code: 'token_expired',
    });
  });

  it('drops a token whose key has left the JWKS', async () => {
    const api = client({ cache: { verifiedTokens: 10, maxAge: 60 } });
    const token = await tokenFor(key, {}, { exp: clock.seconds + 10_000 });
    await api.verifyAccessToken({ accessToken: token });
    server.jwks = jwksOf(await generateTestKey('ES256'));
    clock.advance(61);
    await expect(api.verifyAccessToken({ accessToken: token })).rejects.toMatchObject({
      code: 'unknown_key',
    });
    expect(api.stats().verifiedTokens).toBe(0);
  });

  it('still checks required claims and scopes on a cached token', async () => {
    const api = client({ cache: { verifiedTokens: 10 } });
    const token = await tokenFor(key);
    await api.verifyAccessToken({ accessToken: token });
    await expect(
      api.verifyAccessToken({ accessToken: token, requiredClaims: ['org_id'] }),
    ).rejects.toMatchObject({
      code: 'missing_claim',
    });
    await expect(
      api.verifyAccessToken({ accessToken: token, scopes: 'admin' }),
    ).rejects.toMatchObject({
      code: 'insufficient_scope',
    });
  });
});
