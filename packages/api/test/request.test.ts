/**
 * `verifyRequest` as an HTTP adapter sees it: where the token comes from, which status and
 * `WWW-Authenticate` each failure gets (RFC 6750 §3, RFC 9449 §7.1, RFC 9728 §5.1), and that header
 * values stay well-formed whatever the token or the configuration holds.
 */

import {
  AUDIENCE,
  generateTestKey,
  jwksOf,
  mintAccessToken,
  signJws,
  type TestKey,
} from '@gatehouse/test-kit/tokens';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiClient,
  type ApiClientOptions,
  AuthError,
  InsufficientScopeError,
  MissingAuthorizationError,
} from '../src/index.js';
import { type JwksServer, startJwksServer } from './support/jwks-server.js';

let server: JwksServer;
let key: TestKey;
beforeAll(async () => {
  key = await generateTestKey('RS256');
  server = await startJwksServer(jwksOf(key));
});
afterAll(() => server.close());

const now = () => Math.floor(Date.now() / 1000);
const client = (options: Partial<ApiClientOptions> = {}) =>
  new ApiClient({ domain: server.url, audience: AUDIENCE, ...options });
const token = (claims: Record<string, unknown> = {}) =>
  mintAccessToken(key, { issuer: server.issuer, now: now(), claims });
const refusal = async (api: ApiClient, headers: Record<string, string | string[]> | Headers) => {
  const error = await api.verifyRequest({ headers }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AuthError);
  const { status, code, headers: out } = error as AuthError;
  return { status, code, challenge: out['www-authenticate'] };
};

/** RFC 9110 §11.6.1: challenges of auth-params with quoted-string values, joined by commas. */
const CHALLENGES =
  /^(?:Bearer|DPoP) [a-z_]+="(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*"(?:, (?:(?:Bearer|DPoP) )?[a-z_]+="(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*")*$/;

describe('where the token comes from', () => {
  it('reads Authorization from Node-style headers in any case, or from Fetch Headers', async () => {
    const api = client();
    const accessToken = await token();
    await expect(
      api.verifyRequest({ headers: { Authorization: `bearer ${accessToken}` } }),
    ).resolves.toMatchObject({
      scheme: 'bearer',
    });
    await expect(
      api.verifyRequest({ headers: new Headers({ authorization: `Bearer ${accessToken}` }) }),
    ).resolves.toMatchObject({ token: accessToken });
  });

  it('never reads a token from the query string', async () => {
    const error = await client()
      .verifyRequest({
        headers: {},
        url: `https://api.example.com/x?access_token=${await token()}`,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingAuthorizationError);
  });
});

describe('statuses and challenges', () => {
  it('no credentials: 401 with a bare challenge per scheme and no error (RFC 6750 §3.1)', async () => {
    expect(await refusal(client(), {})).toEqual({
      status: 401,
      code: 'missing_authorization',
      challenge: 'Bearer realm="api", DPoP realm="api", algs="ES256 EdDSA PS256 RS256"',
    });
    expect(await refusal(client({ dpop: { mode: 'disabled' } }), {})).toMatchObject({
      challenge: 'Bearer realm="api"',
    });
    expect(client({ dpop: { mode: 'required' } }).challenge()).toBe(
      'DPoP realm="api", algs="ES256 EdDSA PS256 RS256"',
    );
  });

  it.each([
    ['Bearer', 'a"b', {}],
    ['Bearer', 'abc.def.ghi,x', {}],
    ['DPoP', 'a"b', { dpop: 'x.y.z' }],
    ['DPoP', 'a b', { dpop: 'x.y.z' }],
  ])(
    '%s %s (not token68): 400 invalid_request, whatever the DPoP mode allows',
    async (scheme, token, extra) => {
      const { status, code } = await refusal(client({ dpop: { mode: 'allowed' } }), {
        authorization: `${scheme} ${token}`,
        ...extra,
      });
      expect([status, code]).toEqual([400, 'invalid_request']);
    },
  );

  it('another scheme (Basic) counts as no credentials', async () => {
    expect(await refusal(client(), { authorization: 'Basic YWxpY2U6c2VjcmV0' })).toMatchObject({
      status: 401,
      code: 'missing_authorization',
    });
  });

  it.each([
    ['Bearer with no token', { authorization: 'Bearer' }],
    ['Bearer with two tokens', { authorization: 'Bearer a b' }],
    ['a token with characters outside b64token', { authorization: 'Bearer a"b' }],
    ['two Authorization headers', { authorization: ['Bearer a', 'Bearer b'] }],
    ['a DPoP proof without Authorization', { dpop: 'x.y.z' }],
  ])('%s: 400 invalid_request', async (_label, headers) => {
    const { status, code, challenge } = await refusal(
      client({ dpop: { mode: 'disabled' } }),
      headers,
    );
    expect(status).toBe(400);
    expect(code).toBe('invalid_request');
    expect(challenge).toMatch(
      /^Bearer realm="api", error="invalid_request", error_description="[^"]+"$/,
    );
  });

  it('an invalid token: 401 with the error on the scheme the request used', async () => {
    const { challenge } = await refusal(client(), { authorization: 'Bearer abc.def.ghi' });
    expect(challenge).toBe(
      'Bearer realm="api", error="invalid_token", error_description="The access token is malformed", DPoP realm="api", algs="ES256 EdDSA PS256 RS256"',
    );
  });

  it('a missing scope: 403 insufficient_scope naming the scopes needed', async () => {
    const api = client({ dpop: { mode: 'disabled' } });
    const headers = { authorization: `Bearer ${await token({ scope: 'read:orders' })}` };
    const error = await api
      .verifyRequest({ headers, scopes: ['read:orders', 'write:orders'] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InsufficientScopeError);
    expect((error as AuthError).status).toBe(403);
    expect((error as AuthError).headers['www-authenticate']).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="The access token lacks a required scope", scope="read:orders write:orders"',
    );
    await expect(
      api.verifyRequest({ headers, scopes: 'read:orders write:orders', scopeMatch: 'any' }),
    ).resolves.toBeTruthy();
  });

  it("counts Auth0's permissions array as scopes", async () => {
    const api = client();
    const headers = {
      authorization: `Bearer ${await token({ scope: undefined, permissions: ['write:orders'] })}`,
    };
    const verified = await api.verifyRequest({ headers, scopes: 'write:orders' });
    expect(() => api.requireScopes(verified, 'delete:orders')).toThrow(InsufficientScopeError);
    expect(() => api.requireScopes(verified, ['write:orders'])).not.toThrow();
  });

  it('adds resource_metadata to every challenge when resourceMetadata is set (RFC 9728 §5.1)', async () => {
    const api = client({ resourceMetadata: { resource: 'https://api.example.com/v1' } });
    const { challenge } = await refusal(api, {});
    expect(challenge).toBe(
      'Bearer realm="api", resource_metadata="https://api.example.com/.well-known/oauth-protected-resource/v1", DPoP realm="api", algs="ES256 EdDSA PS256 RS256", resource_metadata="https://api.example.com/.well-known/oauth-protected-resource/v1"',
    );
    expect(api.protectedResourceMetadata()).toEqual({
      resource: 'https://api.example.com/v1',
      authorization_servers: [server.issuer],
      bearer_methods_supported: ['header'],
      dpop_signing_alg_values_supported: ['ES256', 'EdDSA', 'PS256', 'RS256'],
      dpop_bound_access_tokens_required: false,
    });
  });
});

describe('header values stay well-formed and echo nothing of the token', () => {
  it('escapes quotes and backslashes in the configured realm', async () => {
    const { challenge } = await refusal(
      client({ realm: 'my "api" \\ v2', dpop: { mode: 'disabled' } }),
      {},
    );
    expect(challenge).toBe('Bearer realm="my \\"api\\" \\\\ v2"');
    expect(challenge).toMatch(CHALLENGES);
  });

  it.each([
    ['a header-injecting alg', { alg: 'RS256"\r\nSet-Cookie: session=evil', kid: 'k' }],
    ['a quote-laden kid', { alg: 'RS256', kid: '"error="insufficient_scope' }],
    ['a non-ASCII typ', { alg: 'RS256', kid: 'k', typ: 'at+jwt\u2028\u0000' }],
  ])('%s', async (_label, header) => {
    // Left unsigned: every value here is refused before the signature would matter.
    const hostile = await signJws(
      header,
      { iss: 'https://evil"\r\n/', aud: 'x', exp: 'y' },
      'none',
    );
    for (const api of [client(), client({ strict: true })]) {
      const { challenge, status } = await refusal(api, { authorization: `Bearer ${hostile}` });
      expect(status).toBe(401);
      expect(challenge).toMatch(CHALLENGES);
      expect(challenge).not.toMatch(/[\r\n]|Set-Cookie|evil|insufficient_scope/);
    }
  });

  it('turns a hostile headers object that throws into an AuthError, not a crash', async () => {
    const headers = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('boom');
        },
      },
    );
    const error = await client()
      .verifyRequest({ headers })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ status: 401, code: 'verification_failed' });
  });
});

describe('the Authorization header is read once per request', () => {
  /** Node-style headers that count how often `authorization` is read. */
  const counted = (authorization: string) => {
    let reads = 0;
    const headers = new Proxy({ authorization } as Record<string, string>, {
      get(target, name, receiver) {
        if (name === 'authorization') reads += 1;
        return Reflect.get(target, name, receiver);
      },
    });
    return { headers, reads: () => reads };
  };

  it.each([
    ['a token that verifies', async () => `Bearer ${await token()}`],
    ['an expired token', async () => `Bearer ${await token({ exp: now() - 600 })}`],
    ['a malformed token', async () => 'Bearer not~a~token'],
    ['a DPoP token without its proof', async () => `DPoP ${await token()}`],
  ])('%s', async (_name, authorization) => {
    const api = client({ dpop: { mode: 'allowed' } });
    const request = counted(await authorization());
    await api.verifyRequest({ headers: request.headers }).catch(() => undefined);
    expect(request.reads()).toBe(1);
  });
});
