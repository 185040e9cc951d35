import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { processDiscoveryResponse, processJwksResponse } from './documents.js';

const ISSUER = 'https://tenant.auth0.com/';
const json = (body: unknown, init: ResponseInit = {}) =>
  new Response(JSON.stringify(body), {
    status: 200,
    ...init,
    headers: { 'content-type': 'application/json', ...init.headers },
  });
const jwk = (kid: string) => ({
  ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }),
  kid,
});

describe('processDiscoveryResponse', () => {
  it('returns the jwks_uri, the token endpoint and the max-age', async () => {
    const result = await processDiscoveryResponse(
      json(
        {
          issuer: ISSUER,
          jwks_uri: `${ISSUER}.well-known/jwks.json`,
          token_endpoint: `${ISSUER}oauth/token`,
        },
        { headers: { 'cache-control': 'max-age=15' } },
      ),
      ISSUER,
      65_536,
    );
    expect(result.value.jwksUri.href).toBe('https://tenant.auth0.com/.well-known/jwks.json');
    expect(result.value.tokenEndpoint?.href).toBe('https://tenant.auth0.com/oauth/token');
    expect(result.maxAge).toBe(15);
  });

  it.each([
    [
      'another issuer',
      { issuer: 'https://evil.example.com/', jwks_uri: `${ISSUER}jwks` },
      /another issuer/,
    ],
    [
      'an issuer without its trailing slash',
      { issuer: 'https://tenant.auth0.com', jwks_uri: `${ISSUER}jwks` },
      /another issuer/,
    ],
    ['no jwks_uri', { issuer: ISSUER }, /no jwks_uri/],
    [
      'a jwks_uri elsewhere',
      { issuer: ISSUER, jwks_uri: 'https://evil.example.com/jwks' },
      /issuer origin/,
    ],
  ])('refuses %s', async (_label, body, message) => {
    await expect(processDiscoveryResponse(json(body), ISSUER, 65_536)).rejects.toThrow(message);
  });

  it('refuses a redirect and an error status', async () => {
    const redirect = new Response(null, { status: 301, headers: { location: 'https://evil/' } });
    await expect(processDiscoveryResponse(redirect, ISSUER, 65_536)).rejects.toThrow(/redirect/);
    await expect(
      processDiscoveryResponse(json({}, { status: 503 }), ISSUER, 65_536),
    ).rejects.toThrow(/HTTP 503/);
  });
});

describe('processJwksResponse', () => {
  it('keeps usable signing keys and skips the rest', async () => {
    const rsaShort = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({
      format: 'jwk',
    });
    const { value } = await processJwksResponse(
      json({
        keys: [
          jwk('good'),
          { ...jwk('encryption'), use: 'enc' },
          { kty: 'oct', k: 'c2VjcmV0', kid: 'hmac' },
          {
            ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
              format: 'jwk',
            }),
            kid: 'private',
          },
          { ...rsaShort, kid: 'short' },
          { ...jwk('unknown-alg'), alg: 'ES256K' },
          { ...jwk('no-kid'), kid: undefined },
          'not a key',
        ],
      }),
      65_536,
    );
    expect(value.size).toBe(2);
    expect(value.get('good')).toHaveLength(1);
    for (const kid of ['encryption', 'hmac', 'private', 'short', 'unknown-alg'])
      expect(value.get(kid)).toBeUndefined();
    // The key without a kid is kept for tokens that name none, beside the good one.
    expect(value.matching(() => true).map((key) => key.kid)).toEqual(['good', undefined]);
  });

  it('imports each key once: a refetch reuses the KeyObject of an unchanged key', async () => {
    const kept = jwk('kept');
    const first = await processJwksResponse(json({ keys: [kept, jwk('dropped')] }), 65_536);
    const second = await processJwksResponse(
      json({ keys: [kept, jwk('new')] }),
      65_536,
      first.value,
    );
    const keptKey = first.value.get('kept')?.[0];
    expect(keptKey).toBeDefined();
    expect(second.value.get('kept')?.[0]).toBe(keptKey);
    expect(second.value.has(keptKey as never)).toBe(true);
    expect(second.value.has(first.value.get('dropped')?.[0] as never)).toBe(false);
  });

  it('refuses a JWKS without keys or without a usable one', async () => {
    await expect(processJwksResponse(json({}), 65_536)).rejects.toThrow(/no keys array/);
    await expect(
      processJwksResponse(json({ keys: [{ kty: 'oct', k: 'eA', kid: 'a' }] }), 65_536),
    ).rejects.toThrow(/no usable signing key/);
  });
});
