/**
 * Claim rules beyond the hostile-token table: clock tolerance, maximum age, several audiences, the
 * RFC 9068 profile, required claims, custom validators, and several issuers.
 */

import {
  AUDIENCE,
  generateTestKey,
  jwksOf,
  mintAccessToken,
  type TestKey,
} from '@gatehouse/test-kit/tokens';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiClient,
  type ApiClientOptions,
  type DomainsResolverContext,
  DomainsResolverError,
} from '../src/index.js';
import { ManualClock } from './support/clock.js';
import { type JwksServer, startJwksServer } from './support/jwks-server.js';

let server: JwksServer;
let second: JwksServer;
let key: TestKey;
let secondKey: TestKey;
const clock = new ManualClock();

beforeAll(async () => {
  key = await generateTestKey('RS256');
  secondKey = await generateTestKey('RS256');
  server = await startJwksServer(jwksOf(key));
  second = await startJwksServer(jwksOf(secondKey));
});
afterAll(async () => {
  await server.close();
  await second.close();
});

const client = (options: Partial<ApiClientOptions> = {}) =>
  new ApiClient({ domain: server.url, audience: AUDIENCE, now: clock.now, ...options });
const token = (claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}) =>
  mintAccessToken(key, { issuer: server.issuer, now: clock.seconds, claims, header });
const verify = async (api: ApiClient, accessToken: string, requiredClaims?: string[]) =>
  api.verifyAccessToken({ accessToken, requiredClaims }).then(
    () => 'accepted',
    (error: { code: string }) => error.code,
  );

describe('times, with the clock tolerance (default 5 s)', () => {
  it.each([
    ['exp 4 s ago', { exp: -4 }, 'accepted'],
    ['exp 6 s ago', { exp: -6 }, 'token_expired'],
    ['nbf 4 s ahead', { nbf: 4 }, 'accepted'],
    ['nbf 6 s ahead', { nbf: 6 }, 'token_not_yet_valid'],
    ['iat 4 s ahead', { iat: 4 }, 'accepted'],
    ['iat 6 s ahead', { iat: 6 }, 'token_not_yet_valid'],
  ])('%s: %s', async (_label, offsets, expected) => {
    const claims = Object.fromEntries(
      Object.entries(offsets).map(([claim, offset]) => [claim, clock.seconds + offset]),
    );
    expect(await verify(client(), await token(claims))).toBe(expected);
  });

  it('takes clockTolerance: 0 strictly', async () => {
    expect(
      await verify(client({ clockTolerance: 0 }), await token({ exp: clock.seconds - 1 })),
    ).toBe('token_expired');
  });

  it('refuses tokens older than maxTokenAge whatever their exp', async () => {
    const api = client({ maxTokenAge: 600 });
    expect(await verify(api, await token({ iat: clock.seconds - 590 }))).toBe('accepted');
    expect(await verify(api, await token({ iat: clock.seconds - 610 }))).toBe('token_too_old');
  });
});

describe('audiences', () => {
  it('accepts a token for any of several configured audiences, as a string or in an array', async () => {
    const api = client({ audience: ['https://a.example.com', AUDIENCE] });
    expect(await verify(api, await token({ aud: AUDIENCE }))).toBe('accepted');
    expect(
      await verify(api, await token({ aud: ['https://other', 'https://a.example.com'] })),
    ).toBe('accepted');
    expect(await verify(api, await token({ aud: ['https://other'] }))).toBe('invalid_audience');
  });
});

describe('strict RFC 9068 profile', () => {
  it.each([
    ['typ at+jwt', {}, {}, 'accepted'],
    ['typ application/at+jwt', {}, { typ: 'application/AT+JWT' }, 'accepted'],
    ['typ JWT', {}, { typ: 'JWT' }, 'invalid_token_type'],
    ['no typ', {}, { typ: undefined }, 'invalid_token_type'],
    ['no client_id', { client_id: undefined }, {}, 'missing_claim'],
    ['no sub', { sub: undefined }, {}, 'missing_claim'],
    ['no jti', { jti: undefined }, {}, 'missing_claim'],
  ])('%s', async (_label, claims, header, expected) => {
    expect(await verify(client({ strict: true }), await token(claims, header))).toBe(expected);
  });

  it('is off by default: a plain JWT without client_id passes', async () => {
    expect(await verify(client(), await token({ client_id: undefined }, { typ: 'JWT' }))).toBe(
      'accepted',
    );
  });
});

describe('required claims and validators', () => {
  it('requires the named claims to be present (null counts as present, as in Python)', async () => {
    const api = client();
    expect(await verify(api, await token({ org_id: null }), ['org_id'])).toBe('accepted');
    expect(await verify(api, await token(), ['org_id'])).toBe('missing_claim');
  });

  it('runs validators after the standard checks; false or a throw refuses', async () => {
    const seen: unknown[] = [];
    const api = client({
      validators: [
        (claims, header) => {
          seen.push(header.alg);
          return claims.org_id === 'org_1';
        },
        async (claims) => {
          if (claims.sub === 'auth0|mallory') throw new Error('banned');
          return undefined;
        },
      ],
    });
    expect(await verify(api, await token({ org_id: 'org_1' }))).toBe('accepted');
    expect(await verify(api, await token({ org_id: 'org_2' }))).toBe('claim_validation_failed');
    expect(await verify(api, await token({ org_id: 'org_1', sub: 'auth0|mallory' }))).toBe(
      'claim_validation_failed',
    );
    expect(seen).toEqual(['RS256', 'RS256', 'RS256']);
  });

  it('hands out frozen claims, so no caller can change what later calls see', async () => {
    const api = client({ cache: { verifiedTokens: 5 } });
    const accessToken = await token({ permissions: ['read:orders'] });
    const claims = await api.verifyAccessToken({ accessToken });
    expect(() => {
      (claims as { scope?: string }).scope = 'admin';
    }).toThrow(TypeError);
    expect(() => claims.permissions?.push('admin')).toThrow(TypeError);
    expect((await api.verifyAccessToken({ accessToken })).permissions).toEqual(['read:orders']);
  });
});

describe('several issuers', () => {
  const secondToken = () =>
    mintAccessToken(secondKey, { issuer: second.issuer, now: clock.seconds });

  it('accepts tokens of every listed domain, each with its own keys', async () => {
    const api = client({ domain: undefined, domains: [server.url, second.url] });
    expect(await verify(api, await token())).toBe('accepted');
    expect(await verify(api, await secondToken())).toBe('accepted');
    expect(api.stats().issuers).toBe(2);
  });

  it('refuses, before any fetch, a token whose issuer is not in a fixed list', async () => {
    const third = await startJwksServer(jwksOf(key));
    try {
      const api = client({ domain: undefined, domains: [server.url, second.url] });
      const foreign = await mintAccessToken(key, { issuer: third.issuer, now: clock.seconds });
      expect(await verify(api, foreign)).toBe('invalid_issuer');
      expect(third.total).toBe(0);
    } finally {
      await third.close();
    }
  });

  it('tells the resolver the request given to verifyAccessToken', async () => {
    const contexts: DomainsResolverContext[] = [];
    const api = client({
      domain: undefined,
      domains: (context) => {
        contexts.push(context);
        return [server.url];
      },
    });
    const accessToken = await token();
    const headers = { host: 'one.example.com', 'x-brand': 'one' };
    await api.verifyAccessToken({
      accessToken,
      request: { url: 'https://one.example.com/x', headers },
    });
    await api.verifyAccessToken({ accessToken });
    expect(contexts).toEqual([
      {
        unverifiedIssuer: server.issuer,
        requestUrl: 'https://one.example.com/x',
        requestHeaders: headers,
      },
      { unverifiedIssuer: server.issuer, requestUrl: undefined, requestHeaders: undefined },
    ]);
  });

  it('asks a resolver per request, before any fetch, and fetches nothing it does not list', async () => {
    const contexts: DomainsResolverContext[] = [];
    const api = client({
      domain: undefined,
      domains: (context) => {
        contexts.push(context);
        return context.requestUrl?.startsWith('https://one.example.com')
          ? [server.url]
          : [second.url];
      },
    });
    const before = server.total;
    const request = async (url: string, accessToken: string) =>
      api.verifyRequest({ headers: { authorization: `Bearer ${accessToken}` }, url }).then(
        () => 'accepted',
        (error: { code: string }) => error.code,
      );
    expect(await request('https://two.example.com/x', await token())).toBe('invalid_issuer');
    expect(server.total).toBe(before);
    expect(await request('https://one.example.com/x', await token())).toBe('accepted');
    expect(contexts[0]).toMatchObject({
      unverifiedIssuer: server.issuer,
      requestUrl: 'https://two.example.com/x',
    });
  });

  it.each([
    ['throws', () => Promise.reject(new Error('db down'))],
    ['returns an empty list', () => []],
    ['returns something that is not a domain', () => ['https://tenant.example.com/path']],
    ['returns a string', () => 'tenant.example.com' as never],
  ])('answers 500 DomainsResolverError when the resolver %s', async (_label, resolver) => {
    const api = client({ domain: undefined, domains: resolver as never });
    const error = await api
      .verifyAccessToken({ accessToken: await token() })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainsResolverError);
    expect(error).toMatchObject({ status: 500, code: 'domains_resolver_error' });
  });
});
