/**
 * Hostile access tokens, one row per attack, each named after what the attacker does. Every row
 * checks the refusal code, the 401 challenge, that the challenge echoes nothing of the token, and,
 * for the rules that must hold before any I/O, that the key server was not asked for anything.
 */
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import {
  accessTokenClaims,
  generateTestKey,
  jwksOf,
  mintAccessToken,
  signJws,
  type TestKey,
} from '@gatehouse/test-kit/tokens';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, type VerifyAccessTokenErrorCode } from '../src/index.js';
import { type JwksServer, startJwksServer } from './support/jwks-server.js';

let server: JwksServer;
let attacker: JwksServer;
let rsa: TestKey;
let ec: TestKey;
let pinnedRs256: TestKey;
let foreign: TestKey;
beforeAll(async () => {
  rsa = await generateTestKey('RS256', { kid: 'tenant-rsa' });
  ec = await generateTestKey('ES256', { kid: 'tenant-ec' });
  pinnedRs256 = await generateTestKey('RS256', { kid: 'pinned-rs256' });
  foreign = await generateTestKey('RS256', { kid: 'tenant-rsa' });
  const short = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({
    format: 'jwk',
  });
  server = await startJwksServer({
    keys: [...jwksOf(rsa, ec, pinnedRs256).keys, { ...short, kid: 'short-rsa', use: 'sig' }],
  });
  attacker = await startJwksServer(jwksOf(foreign));
});
afterAll(async () => {
  await server.close();
  await attacker.close();
});

const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const claims = (extra: Record<string, unknown> = {}) =>
  accessTokenClaims(server.issuer, now(), extra);
/** Claims as raw JSON text, to write values of the wrong type. */
const rawClaims = (replace: Record<string, string>) => {
  let text = JSON.stringify(claims());
  for (const [claim, json] of Object.entries(replace)) {
    text = text.replace(new RegExp(`"${claim}":[^,}]+`), `"${claim}":${json}`);
  }
  return text;
};
const signedBy = (key: TestKey, extra: Record<string, unknown> = {}, header = {}) =>
  mintAccessToken(key, { issuer: server.issuer, now: now(), claims: extra, header });

interface Row {
  attack: string;
  token: () => Promise<string>;
  code: VerifyAccessTokenErrorCode;
  /** Refused before any request to the key server. */
  beforeIo: boolean;
}

const rows: Row[] = [
  {
    attack: 'sends an unsigned token (alg none)',
    token: () => signJws({ alg: 'none', kid: rsa.kid }, claims(), 'none'),
    code: 'unsupported_algorithm',
    beforeIo: true,
  },
  {
    attack: 'signs HS256 with the public key as the HMAC secret (RS/HS confusion)',
    token: () => {
      const pem = createPublicKey({ key: rsa.publicJwk as never, format: 'jwk' }).export({
        type: 'spki',
        format: 'pem',
      });
      return signJws({ alg: 'HS256', kid: rsa.kid }, claims(), Buffer.from(pem));
    },
    code: 'unsupported_algorithm',
    beforeIo: true,
  },
  {
    attack: 'uses an algorithm outside the allow-list (RS512)',
    token: () => signJws({ alg: 'RS512', kid: rsa.kid }, claims(), { ...rsa, alg: 'RS512' }),
    code: 'unsupported_algorithm',
    beforeIo: true,
  },
  {
    attack: 'names a kid the tenant never published (wrong kid)',
    token: () => signedBy(rsa, {}, { kid: 'no-such-kid' }),
    code: 'unknown_key',
    beforeIo: false,
  },
  {
    attack: 'leaves out the kid',
    token: () => signJws({ alg: 'RS256' }, claims(), rsa),
    code: 'missing_key_id',
    beforeIo: true,
  },
  {
    attack: "signs ES256 and names the tenant's RSA kid (key-type mismatch)",
    token: () => signJws({ alg: 'ES256', kid: rsa.kid }, claims(), ec),
    code: 'key_mismatch',
    beforeIo: false,
  },
  {
    attack: 'signs PS256 with a key whose JWK pins RS256',
    token: () =>
      signJws({ alg: 'PS256', kid: pinnedRs256.kid }, claims(), { ...pinnedRs256, alg: 'PS256' }),
    code: 'key_mismatch',
    beforeIo: false,
  },
  {
    attack: 'signs with its own key under a published kid',
    token: () => signJws({ alg: 'RS256', kid: rsa.kid }, claims(), foreign),
    code: 'invalid_signature',
    beforeIo: false,
  },
  {
    attack: 'embeds its own key in the header (jwk) and names a published kid',
    token: () => signJws({ alg: 'RS256', kid: rsa.kid, jwk: foreign.publicJwk }, claims(), foreign),
    code: 'invalid_signature',
    beforeIo: false,
  },
  {
    attack: 'points jku at its own key server',
    token: () =>
      signJws(
        { alg: 'RS256', kid: rsa.kid, jku: `${attacker.url}/.well-known/jwks.json` },
        claims(),
        foreign,
      ),
    code: 'invalid_signature',
    beforeIo: false,
  },
  {
    attack: 'relies on a key too short to be safe (1024-bit RSA in the JWKS)',
    token: () => signJws({ alg: 'RS256', kid: 'short-rsa' }, claims(), rsa),
    code: 'unknown_key',
    beforeIo: false,
  },
  {
    attack: 'tampers with the payload of a valid token',
    token: async () => {
      const [header, , signature] = (await signedBy(rsa)).split('.');
      return `${header}.${b64(claims({ scope: 'admin' }))}.${signature}`;
    },
    code: 'invalid_signature',
    beforeIo: false,
  },
  {
    attack: 'strips the signature',
    token: async () => `${(await signedBy(rsa)).split('.').slice(0, 2).join('.')}.`,
    code: 'invalid_signature',
    beforeIo: false,
  },
  {
    attack: 'adds a critical header extension',
    token: () => signJws({ alg: 'RS256', kid: rsa.kid, crit: ['exp'], exp: 1 }, claims(), rsa),
    code: 'unsupported_critical_header',
    beforeIo: true,
  },
  {
    attack: 'sends an oversized token (header stuffing)',
    token: () => signedBy(rsa, {}, { padding: 'A'.repeat(20_000) }),
    code: 'token_too_large',
    beforeIo: true,
  },
  {
    attack: 'uses standard base64 instead of base64url',
    token: async () => (await signedBy(rsa)).replace(/-/g, '+').replace(/_/g, '/').concat('=='),
    code: 'malformed_token',
    beforeIo: true,
  },
  {
    attack: 'sets stray trailing bits in a base64url segment (non-canonical encoding)',
    token: async () => {
      const [header, payload, signature] = (await signedBy(rsa)).split('.') as [
        string,
        string,
        string,
      ];
      // Header JSON ends in `}` so its last base64url character carries padding bits; flip them.
      const last = header.at(-1) as string;
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const bumped = alphabet[(alphabet.indexOf(last) + 1) % 64] as string;
      return `${header.slice(0, -1)}${bumped}.${payload}.${signature}`;
    },
    code: 'malformed_token',
    beforeIo: true,
  },
  {
    attack: 'sends two segments',
    token: async () => (await signedBy(rsa)).split('.').slice(0, 2).join('.'),
    code: 'malformed_token',
    beforeIo: true,
  },
  {
    attack: 'sends a JSON array as the header',
    token: async () => `${b64([{ alg: 'RS256' }])}.${b64(claims())}.c2ln`,
    code: 'malformed_token',
    beforeIo: true,
  },
  {
    attack: 'puts invalid UTF-8 in the payload',
    token: async () =>
      `${b64({ alg: 'RS256', kid: rsa.kid })}.${Buffer.from([0x7b, 0xff, 0x7d]).toString('base64url')}.c2ln`,
    code: 'malformed_token',
    beforeIo: true,
  },
  {
    attack: 'sends iss as an array holding the right issuer',
    token: () =>
      signJws(
        { alg: 'RS256', kid: rsa.kid },
        claims({ iss: [server.issuer, 'https://evil/'] }),
        rsa,
      ),
    code: 'invalid_claim',
    beforeIo: true,
  },
  {
    attack: 'sends exp as a string far in the future',
    token: () => signJws({ alg: 'RS256', kid: rsa.kid }, rawClaims({ exp: '"9999999999"' }), rsa),
    code: 'invalid_claim',
    beforeIo: true,
  },
  {
    attack: 'sends exp as a number JSON turns into Infinity',
    token: () => signJws({ alg: 'RS256', kid: rsa.kid }, rawClaims({ exp: '1e999' }), rsa),
    code: 'invalid_claim',
    beforeIo: true,
  },
  {
    attack: 'sends sub as an array',
    token: () => signJws({ alg: 'RS256', kid: rsa.kid }, claims({ sub: ['auth0|alice'] }), rsa),
    code: 'invalid_claim',
    beforeIo: true,
  },
  {
    attack: 'sends aud as an array of non-strings',
    token: () => signJws({ alg: 'RS256', kid: rsa.kid }, claims({ aud: [{ a: 1 }] }), rsa),
    code: 'invalid_claim',
    beforeIo: true,
  },
  {
    attack: 'leaves out exp',
    token: () => signJws({ alg: 'RS256', kid: rsa.kid }, claims({ exp: undefined }), rsa),
    code: 'missing_claim',
    beforeIo: true,
  },
  {
    attack: 'replays an expired token',
    token: () => signedBy(rsa, { iat: now() - 7200, exp: now() - 3600 }),
    code: 'token_expired',
    beforeIo: true,
  },
  {
    attack: 'sends a token whose nbf is in the future',
    token: () => signedBy(rsa, { nbf: now() + 3600 }),
    code: 'token_not_yet_valid',
    beforeIo: true,
  },
  {
    attack: 'sends a token issued in the future',
    token: () => signedBy(rsa, { iat: now() + 3600 }),
    code: 'token_not_yet_valid',
    beforeIo: true,
  },
  {
    attack: 'sends a token for another API (wrong audience)',
    token: () => signedBy(rsa, { aud: 'https://other-api.example.com' }),
    code: 'invalid_audience',
    beforeIo: true,
  },
  {
    attack: 'sends a token from its own issuer (wrong issuer)',
    token: () => mintAccessToken(foreign, { issuer: attacker.issuer, now: now() }),
    code: 'invalid_issuer',
    beforeIo: true,
  },
  {
    attack: 'writes the issuer with different letter case',
    token: () => signedBy(rsa, { iss: server.issuer.toUpperCase() }),
    code: 'invalid_issuer',
    beforeIo: true,
  },
  {
    attack: 'writes the issuer without its trailing slash',
    token: () => signedBy(rsa, { iss: server.url }),
    code: 'invalid_issuer',
    beforeIo: true,
  },
];

describe('hostile access tokens', () => {
  it.each(rows)('refuses a token when the attacker $attack', async ({ token, code, beforeIo }) => {
    const api = new ApiClient({
      domain: server.url,
      audience: 'https://api.example.com',
      algorithms: ['RS256', 'ES256', 'PS256'],
    });
    const value = await token();
    const requestsBefore = server.total;
    const attackerBefore = attacker.total;
    const error = await api
      .verifyRequest({ headers: { authorization: `Bearer ${value}` } })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'VerifyAccessTokenError', code, status: 401 });
    const challenge = (error as { headers: Record<string, string> }).headers['www-authenticate'];
    expect(challenge).toMatch(
      /^Bearer realm="api", error="invalid_token", error_description="[^"\\]+", DPoP realm="api", algs="[^"]+"$/,
    );
    for (const part of value.split('.')) {
      if (part.length > 8) expect(challenge).not.toContain(part.slice(0, 16));
    }
    if (beforeIo) expect(server.total).toBe(requestsBefore);
    // Nothing the token names is ever fetched.
    expect(attacker.total).toBe(attackerBefore);
  });

  it.each(rows)(
    "still refuses it with the tenant's own headers already known: $attack",
    async ({ token, code }) => {
      // The verifier remembers the headers of tokens it verified; an attacker who copies one
      // (same alg, kid and typ, byte for byte) must gain nothing from it.
      const api = new ApiClient({
        domain: server.url,
        audience: 'https://api.example.com',
        algorithms: ['RS256', 'ES256', 'PS256'],
      });
      for (const key of [rsa, ec, pinnedRs256]) {
        await api.verifyAccessToken({ accessToken: await signedBy(key) });
      }
      await expect(api.verifyAccessToken({ accessToken: await token() })).rejects.toMatchObject({
        code,
      });
    },
  );

  it('accepts the untampered tokens these rows start from', async () => {
    const api = new ApiClient({
      domain: server.url,
      audience: 'https://api.example.com',
      algorithms: ['RS256', 'ES256', 'PS256'],
    });
    await expect(api.verifyAccessToken({ accessToken: await signedBy(rsa) })).resolves.toBeTruthy();
    await expect(api.verifyAccessToken({ accessToken: await signedBy(ec) })).resolves.toBeTruthy();
    await expect(
      api.verifyAccessToken({ accessToken: await signedBy(pinnedRs256) }),
    ).resolves.toBeTruthy();
  });

  it('refuses a foreign key under a published kid without refetching the JWKS', async () => {
    const api = new ApiClient({ domain: server.url, audience: 'https://api.example.com' });
    await api.warmUp();
    const fetched = server.total;
    for (let i = 0; i < 20; i += 1) {
      const forged = await signJws({ alg: 'RS256', kid: rsa.kid }, claims(), foreign);
      await expect(api.verifyAccessToken({ accessToken: forged })).rejects.toMatchObject({
        code: 'invalid_signature',
      });
    }
    expect(server.total).toBe(fetched);
  });
});
