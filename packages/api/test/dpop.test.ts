/**
 * DPoP (RFC 9449) through `verifyRequest`: a valid proof, then one hostile proof per row, replay,
 * the token binding, the modes, server nonces, and the replay store.
 */

import {
  AUDIENCE,
  generateTestKey,
  jwksOf,
  mintAccessToken,
  mintDpopProof,
  signJws,
  type TestKey,
  thumbprintOf,
} from '@gatehouse/test-kit/tokens';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiClient,
  type ApiClientOptions,
  createDpopNonceSource,
  type DpopReplayStore,
  type InvalidDpopProofErrorCode,
  MissingRequiredArgumentError,
  UseDpopNonceError,
} from '../src/index.js';
import { ManualClock } from './support/clock.js';
import { type JwksServer, startJwksServer } from './support/jwks-server.js';

const URL_ = 'https://api.example.com/orders';
let server: JwksServer;
let tenantKey: TestKey;
let clientKey: TestKey;
let otherKey: TestKey;
let jkt: string;
const clock = new ManualClock();

beforeAll(async () => {
  tenantKey = await generateTestKey('RS256');
  clientKey = await generateTestKey('ES256');
  otherKey = await generateTestKey('ES256');
  jkt = await thumbprintOf(clientKey);
  server = await startJwksServer(jwksOf(tenantKey));
});
afterAll(() => server.close());

const client = (options: Partial<ApiClientOptions> = {}) =>
  new ApiClient({ domain: server.url, audience: AUDIENCE, now: clock.now, ...options });
const boundToken = (claims: Record<string, unknown> = { cnf: { jkt } }) =>
  mintAccessToken(tenantKey, { issuer: server.issuer, now: clock.seconds, claims });
const proofFor = (
  token: string,
  options: {
    key?: TestKey;
    method?: string;
    url?: string;
    claims?: Record<string, unknown>;
    header?: Record<string, unknown>;
  } = {},
) =>
  mintDpopProof(options.key ?? clientKey, {
    method: options.method ?? 'GET',
    url: options.url ?? URL_,
    accessToken: token,
    now: clock.seconds,
    claims: options.claims,
    header: options.header,
  });
const dpopRequest = (
  token: string,
  proof: string | string[],
  extra: { method?: string; url?: string } = {},
) => ({
  headers: { authorization: `DPoP ${token}`, dpop: proof },
  method: extra.method ?? 'GET',
  url: extra.url ?? `${URL_}?page=2`,
});

describe('a valid DPoP request', () => {
  it('verifies, reports the key thumbprint, and ignores the query string', async () => {
    const api = client();
    const token = await boundToken();
    const verified = await api.verifyRequest(dpopRequest(token, await proofFor(token)));
    expect(verified).toMatchObject({ scheme: 'dpop', dpopKeyThumbprint: jkt, token });
    expect(verified.claims.cnf?.jkt).toBe(jkt);
  });

  it('matches htu after normalisation (case, default port, percent-encoding)', async () => {
    const api = client();
    const token = await boundToken();
    const proof = await proofFor(token, { url: 'HTTPS://API.EXAMPLE.COM:443/%6Frders' });
    await expect(api.verifyRequest(dpopRequest(token, proof))).resolves.toMatchObject({
      scheme: 'dpop',
    });
  });

  it.each([['ES384'], ['PS256'], ['RS256'], ['EdDSA']])(
    'accepts a proof signed with %s',
    async (alg) => {
      const key = await generateTestKey(alg);
      const api = client({ dpop: { algorithms: ['ES384', 'PS256', 'RS256', 'EdDSA'] } });
      const token = await boundToken({ cnf: { jkt: await thumbprintOf(key) } });
      await expect(
        api.verifyRequest(dpopRequest(token, await proofFor(token, { key }))),
      ).resolves.toBeTruthy();
    },
  );
});

interface ProofRow {
  attack: string;
  proof: (token: string) => Promise<string | string[]>;
  code: InvalidDpopProofErrorCode;
}

const proofRows: ProofRow[] = [
  {
    attack: 'sends the proof for another URL (wrong htu)',
    proof: (t) => proofFor(t, { url: 'https://api.example.com/admin' }),
    code: 'dpop_url_mismatch',
  },
  {
    attack: 'sends the proof for another host',
    proof: (t) => proofFor(t, { url: 'https://evil.example.com/orders' }),
    code: 'dpop_url_mismatch',
  },
  {
    attack: 'sends the proof for another method (wrong htm)',
    proof: (t) => proofFor(t, { method: 'DELETE' }),
    code: 'dpop_method_mismatch',
  },
  {
    attack: 'sends the proof made for another access token (wrong ath)',
    proof: async (t) => proofFor(`${t}x`),
    code: 'dpop_ath_mismatch',
  },
  {
    attack: 'sends a proof made ten minutes ago',
    proof: (t) => proofFor(t, { claims: { iat: clock.seconds - 600 } }),
    code: 'dpop_iat_out_of_window',
  },
  {
    attack: 'sends a proof dated in the future',
    proof: (t) => proofFor(t, { claims: { iat: clock.seconds + 120 } }),
    code: 'dpop_iat_out_of_window',
  },
  {
    attack: 'sends a proof with typ JWT',
    proof: (t) => proofFor(t, { header: { typ: 'JWT' } }),
    code: 'invalid_dpop_proof',
  },
  {
    attack: 'sends an unsigned proof (alg none)',
    proof: async (t) => {
      const [header, payload] = (await proofFor(t)).split('.');
      const none = Buffer.from(
        JSON.stringify({
          ...JSON.parse(Buffer.from(header ?? '', 'base64url').toString()),
          alg: 'none',
        }),
      ).toString('base64url');
      return `${none}.${payload}.`;
    },
    code: 'invalid_dpop_proof',
  },
  {
    attack: 'signs the proof with HMAC (HS256)',
    proof: () =>
      signJws(
        { typ: 'dpop+jwt', alg: 'HS256', jwk: { kty: 'oct', k: 'c2VjcmV0' } },
        { jti: 'x', htm: 'GET', htu: URL_, iat: clock.seconds, ath: 'x' },
        new Uint8Array(32),
      ),
    code: 'invalid_dpop_proof',
  },
  {
    attack: 'puts its private key in the jwk header',
    proof: async (t) => {
      const { d: _d, ...publicPart } = clientKey.privateKey.export({ format: 'jwk' });
      return proofFor(t, {
        header: { jwk: { ...publicPart, d: clientKey.privateKey.export({ format: 'jwk' }).d } },
      });
    },
    code: 'invalid_dpop_proof',
  },
  {
    attack: 'names a jwk other than the key that signed',
    proof: async (t) => {
      const { kid: _k, alg: _a, use: _u, ...jwk } = otherKey.publicJwk;
      return proofFor(t, { header: { jwk } });
    },
    code: 'invalid_dpop_proof',
  },
  {
    attack: 'leaves out the jwk',
    proof: (t) => proofFor(t, { header: { jwk: undefined } }),
    code: 'invalid_dpop_proof',
  },
  {
    attack: 'adds a critical header',
    proof: (t) => proofFor(t, { header: { crit: ['exp'], exp: 1 } }),
    code: 'invalid_dpop_proof',
  },
  {
    attack: 'leaves out jti',
    proof: (t) => proofFor(t, { claims: { jti: undefined } }),
    code: 'invalid_dpop_proof',
  },
  {
    attack: 'sends htm as a number',
    proof: (t) => proofFor(t, { claims: { htm: 1 } }),
    code: 'invalid_dpop_proof',
  },
  {
    attack: 'sends iat as a string',
    proof: (t) => proofFor(t, { claims: { iat: String(clock.seconds) } }),
    code: 'invalid_dpop_proof',
  },
  {
    attack: 'sends two DPoP headers',
    proof: async (t) => [await proofFor(t), await proofFor(t)],
    code: 'invalid_dpop_proof',
  },
  {
    attack: 'joins two proofs with a comma',
    proof: async (t) => `${await proofFor(t)}, ${await proofFor(t)}`,
    code: 'invalid_dpop_proof',
  },
  {
    attack: 'sends a proof that is not a JWS',
    proof: async () => 'not.a.jws',
    code: 'invalid_dpop_proof',
  },
];

describe('hostile DPoP proofs', () => {
  it.each(proofRows)('are refused when the attacker $attack', async ({ proof, code }) => {
    const api = client();
    const token = await boundToken();
    const error = await api
      .verifyRequest(dpopRequest(token, await proof(token)))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'InvalidDpopProofError', code, status: 400 });
    expect((error as { headers: Record<string, string> }).headers['www-authenticate']).toMatch(
      /^Bearer realm="api", DPoP realm="api", error="invalid_dpop_proof", error_description="[^"]+", algs="ES256 EdDSA PS256 RS256"$/,
    );
  });

  it('refuses a replayed proof', async () => {
    const api = client();
    const token = await boundToken();
    const proof = await proofFor(token);
    await api.verifyRequest(dpopRequest(token, proof));
    await expect(api.verifyRequest(dpopRequest(token, proof))).rejects.toMatchObject({
      code: 'dpop_proof_replayed',
      status: 400,
    });
  });

  it('refuses a token bound to another key (wrong jkt) with 401 invalid_token', async () => {
    const api = client();
    const token = await boundToken({ cnf: { jkt: await thumbprintOf(otherKey) } });
    const error = await api
      .verifyRequest(dpopRequest(token, await proofFor(token)))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'dpop_binding_mismatch', status: 401 });
    expect((error as { headers: Record<string, string> }).headers['www-authenticate']).toContain(
      'DPoP realm="api", error="invalid_token"',
    );
  });

  it('refuses an unbound token sent with the DPoP scheme', async () => {
    const token = await boundToken({});
    await expect(
      client().verifyRequest(dpopRequest(token, await proofFor(token))),
    ).rejects.toMatchObject({
      code: 'dpop_binding_mismatch',
    });
  });

  it('needs the method and URL of the request', async () => {
    const token = await boundToken();
    const proof = await proofFor(token);
    const error = await client()
      .verifyRequest({ headers: { authorization: `DPoP ${token}`, dpop: proof } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingRequiredArgumentError);
    expect(error).toMatchObject({ argument: 'method' });
    // A path alone (what a framework's req.url holds) cannot be checked against htu.
    const relative = await client()
      .verifyRequest({ ...dpopRequest(token, proof), url: '/orders' })
      .catch((e: unknown) => e);
    expect(relative).toMatchObject({
      argument: 'url',
      message: expect.stringContaining('absolute'),
    });
  });
});

describe('schemes and modes', () => {
  it('refuses a DPoP-bound token sent as Bearer, in every mode', async () => {
    const token = await boundToken();
    for (const mode of ['allowed', 'disabled'] as const) {
      await expect(
        client({ dpop: { mode } }).verifyRequest({ headers: { authorization: `Bearer ${token}` } }),
      ).rejects.toMatchObject({ code: 'dpop_bound_token', status: 401 });
    }
    await expect(client().verifyAccessToken({ accessToken: token })).rejects.toMatchObject({
      code: 'dpop_bound_token',
    });
  });

  it('refuses a DPoP proof sent with the Bearer scheme', async () => {
    const token = await boundToken({});
    await expect(
      client().verifyRequest({
        headers: { authorization: `Bearer ${token}`, dpop: await proofFor(token) },
      }),
    ).rejects.toMatchObject({ code: 'invalid_auth_scheme', status: 400 });
  });

  it('required: verifyAccessToken, which gets no proof, accepts no token at all', async () => {
    const error = await client({ dpop: { mode: 'required' } })
      .verifyAccessToken({ accessToken: await boundToken({}) })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid_auth_scheme', status: 400 });
  });

  it('required: refuses Bearer with only a DPoP challenge', async () => {
    const token = await boundToken({});
    const error = await client({ dpop: { mode: 'required' } })
      .verifyRequest({ headers: { authorization: `Bearer ${token}` } })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid_auth_scheme', status: 400 });
    expect((error as { headers: Record<string, string> }).headers['www-authenticate']).toMatch(
      /^DPoP realm="api", error="invalid_request"/,
    );
  });

  it('disabled: refuses the DPoP scheme with only a Bearer challenge', async () => {
    const token = await boundToken();
    const error = await client({ dpop: { mode: 'disabled' } })
      .verifyRequest(dpopRequest(token, await proofFor(token)))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid_auth_scheme', status: 400 });
    expect((error as { headers: Record<string, string> }).headers['www-authenticate']).toMatch(
      /^Bearer realm="api", error="invalid_request"[^,]*, error_description="[^"]+"$/,
    );
  });
});

describe('server nonces (RFC 9449 §9)', () => {
  it('asks for a nonce, accepts it, and refreshes it as time passes', async () => {
    const nonces = createDpopNonceSource({
      secret: 'a-secret-of-at-least-thirty-two-bytes!!',
      lifetime: 300,
    });
    const api = client({ dpop: { nonce: nonces } });
    const token = await boundToken();

    const challenge = await api
      .verifyRequest(dpopRequest(token, await proofFor(token)))
      .catch((e: unknown) => e);
    expect(challenge).toBeInstanceOf(UseDpopNonceError);
    const nonce = (challenge as UseDpopNonceError).headers['dpop-nonce'] as string;
    expect(challenge).toMatchObject({ status: 401, code: 'use_dpop_nonce' });
    expect((challenge as UseDpopNonceError).headers['www-authenticate']).toContain(
      'DPoP realm="api", error="use_dpop_nonce"',
    );

    const ok = await api.verifyRequest(
      dpopRequest(token, await proofFor(token, { claims: { nonce } })),
    );
    expect(ok.responseHeaders).toEqual({});

    // A step later the nonce still works, and a fresh one is handed out.
    clock.advance(300);
    const later = await api.verifyRequest(
      dpopRequest(token, await proofFor(token, { claims: { nonce } })),
    );
    expect(later.responseHeaders['dpop-nonce']).toMatch(/\./);
    expect(later.responseHeaders['dpop-nonce']).not.toBe(nonce);

    // Two steps later it is refused.
    clock.advance(300);
    await expect(
      api.verifyRequest(dpopRequest(token, await proofFor(token, { claims: { nonce } }))),
    ).rejects.toBeInstanceOf(UseDpopNonceError);
    await expect(
      api.verifyRequest(
        dpopRequest(token, await proofFor(token, { claims: { nonce: 'forged.nonce' } })),
      ),
    ).rejects.toBeInstanceOf(UseDpopNonceError);
  });
});

describe('the replay store', () => {
  it('is asked only about proofs that passed every other check, keyed by jkt and jti', async () => {
    const calls: Array<[string, number]> = [];
    const seen = new Set<string>();
    const store: DpopReplayStore = {
      async markUsed(key, expiresAt) {
        calls.push([key, expiresAt]);
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      },
    };
    const api = client({ dpop: { replayStore: store } });
    const token = await boundToken();
    const proof = await proofFor(token, { claims: { jti: 'proof-1' } });
    await api.verifyRequest(dpopRequest(token, proof));
    expect(calls).toEqual([[`${jkt}:proof-1`, (clock.seconds + 301) * 1000]]);
    await expect(api.verifyRequest(dpopRequest(token, proof))).rejects.toMatchObject({
      code: 'dpop_proof_replayed',
    });

    const wrongBinding = await boundToken({ cnf: { jkt: 'someone-else' } });
    await api
      .verifyRequest(
        dpopRequest(wrongBinding, await proofFor(wrongBinding, { claims: { jti: 'proof-2' } })),
      )
      .catch(() => undefined);
    expect(calls.map(([key]) => key)).not.toContain(`${jkt}:proof-2`);
  });
});
