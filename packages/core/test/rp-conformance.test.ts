/**
 * OpenID Connect relying-party conformance, against a hostile provider on loopback: every row
 * changes one artefact of a valid exchange (the ID token at login or on refresh, the token
 * response, the callback, userinfo) and must be refused with a typed error, with no later request
 * reaching the provider and no session changed. The happy paths (each client authentication,
 * key selection, rotation, userinfo, what the specs allow) run against the same provider.
 */
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { generateTestKey, signJws } from '@gatehouse/test-kit/tokens';
import { decodeJwt, jwtVerify } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  Auth0Error,
  IdTokenValidationError,
  ServerClient,
  type ServerClientOptions,
} from '../src/index.js';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  type HostileOp,
  idTokenClaims,
  REDIRECT_URI,
  signIdToken,
  startHostileOp,
  tokenResponse,
} from './support/hostile-op.js';
import { MemoryCookieJar } from './support/memory-jar.js';
import { SECRET } from './support/node-app.js';

const TRUSTED = 'https://trusted.example';
const now = () => Math.floor(Date.now() / 1000);

let op: HostileOp;
beforeAll(async () => {
  op = await startHostileOp();
});
afterAll(() => op.close());
beforeEach(() => op.reset());

type Overrides = Partial<ServerClientOptions<{ cookies: MemoryCookieJar }>>;

function relyingParty(overrides: Overrides = {}) {
  return new ServerClient<{ cookies: MemoryCookieJar }>({
    domain: op.url,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    secret: SECRET,
    idTokenTrustedAudiences: [TRUSTED],
    authorizationParams: { redirect_uri: REDIRECT_URI },
    ...overrides,
  });
}

interface LoginScript {
  /** The token endpoint's answer to the code exchange, given the login's nonce. */
  answer: (nonce: string) => Promise<unknown> | unknown;
  /** Changes to the callback's query (`iss` is the provider's unless changed). */
  callback?: (query: URLSearchParams) => void;
  authorizationParams?: Record<string, unknown>;
  /** The token endpoint's status. Default 200. */
  status?: number;
}

/** A login through the provider: redirect, then the callback with a code. */
async function login(rp: ServerClient<{ cookies: MemoryCookieJar }>, script: LoginScript) {
  const storeOptions = { cookies: new MemoryCookieJar() };
  const authorizeUrl = await rp.startInteractiveLogin({
    storeOptions,
    ...(script.authorizationParams ? { authorizationParams: script.authorizationParams } : {}),
  });
  const nonce = authorizeUrl.searchParams.get('nonce') as string;
  op.script.token = async (form) =>
    form.get('grant_type') === 'authorization_code'
      ? { status: script.status ?? 200, body: await script.answer(nonce) }
      : { status: 400, body: { error: 'invalid_grant' } };
  const callback = new URL(REDIRECT_URI);
  callback.searchParams.set('code', 'the-code');
  callback.searchParams.set('state', authorizeUrl.searchParams.get('state') as string);
  callback.searchParams.set('iss', op.issuer);
  script.callback?.(callback.searchParams);
  const completion = rp.completeInteractiveLogin({ url: callback, storeOptions });
  return { storeOptions, completion, nonce };
}

/** The index in the log of the last request to `path`. */
const lastRequestTo = (path: string) => op.requests.map((r) => r.path).lastIndexOf(path);

/** Only key fetches, if anything, may follow the bad artefact's request. */
function expectNothingAfter(path: string) {
  const index = lastRequestTo(path);
  expect(index).toBeGreaterThanOrEqual(0);
  expect(op.pathsSince(index + 1).filter((p) => p !== '/.well-known/jwks.json')).toEqual([]);
}

async function expectRefused(promise: Promise<unknown>, code: string) {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(Auth0Error);
  expect((error as Auth0Error).code).toBe(code);
  return error as Auth0Error;
}

type Claims = Record<string, unknown>;
type IdTokenRow = [
  what: string,
  check: IdTokenValidationError['check'],
  idToken: (nonce: string) => Promise<string | undefined> | string | undefined,
];

const claimsWith = (nonce: string, changes: Claims) => ({
  ...idTokenClaims(op, nonce),
  ...changes,
});
const without = (nonce: string, claim: string) => {
  const claims = idTokenClaims(op, nonce);
  delete claims[claim];
  return claims;
};

const ID_TOKEN_ROWS: IdTokenRow[] = [
  [
    'signed by an unpublished key under a published kid',
    'signature',
    (n) => signIdToken(op, idTokenClaims(op, n), { key: op.keys.rogue }),
  ],
  [
    'alg none',
    'signature',
    (n) => signJws({ alg: 'none', kid: 'rs-1' }, idTokenClaims(op, n), 'none'),
  ],
  [
    'ES256 with a published key, for a client registered for RS256',
    'signature',
    (n) => signIdToken(op, idTokenClaims(op, n), { key: op.keys.es256 }),
  ],
  [
    'HS256 with the client secret, for a client registered for RS256',
    'signature',
    (n) =>
      signIdToken(op, idTokenClaims(op, n), {
        header: { alg: 'HS256' },
        key: new TextEncoder().encode(CLIENT_SECRET),
      }),
  ],
  [
    'a kid the provider never published',
    'signature',
    (n) => signIdToken(op, idTokenClaims(op, n), { header: { alg: 'RS256', kid: 'unknown' } }),
  ],
  [
    'a kid that is not a string',
    'signature',
    (n) => signIdToken(op, idTokenClaims(op, n), { header: { alg: 'RS256', kid: 7 } }),
  ],
  [
    'typ logout+jwt',
    'typ',
    (n) =>
      signIdToken(op, idTokenClaims(op, n), {
        header: { alg: 'RS256', kid: 'rs-1', typ: 'logout+jwt' },
      }),
  ],
  [
    'another issuer',
    'iss',
    (n) => signIdToken(op, claimsWith(n, { iss: 'https://evil.example/' })),
  ],
  [
    'the issuer without its trailing slash',
    'iss',
    (n) => signIdToken(op, claimsWith(n, { iss: op.url })),
  ],
  ['no iss', 'iss', (n) => signIdToken(op, without(n, 'iss'))],
  ['another client as aud', 'aud', (n) => signIdToken(op, claimsWith(n, { aud: 'other-client' }))],
  ['aud of the wrong type', 'aud', (n) => signIdToken(op, claimsWith(n, { aud: [CLIENT_ID, 7] }))],
  [
    'an untrusted extra audience, even with azp',
    'aud',
    (n) =>
      signIdToken(op, claimsWith(n, { aud: [CLIENT_ID, 'https://evil.example'], azp: CLIENT_ID })),
  ],
  [
    'a trusted extra audience without azp',
    'azp',
    (n) => signIdToken(op, claimsWith(n, { aud: [CLIENT_ID, TRUSTED] })),
  ],
  ['azp of another party', 'azp', (n) => signIdToken(op, claimsWith(n, { azp: 'other-client' }))],
  ['expired', 'exp', (n) => signIdToken(op, claimsWith(n, { exp: now() - 3600 }))],
  ['no exp', 'exp', (n) => signIdToken(op, without(n, 'exp'))],
  ['exp as a string', 'exp', (n) => signIdToken(op, claimsWith(n, { exp: String(now() + 600) }))],
  ['no iat', 'iat', (n) => signIdToken(op, without(n, 'iat'))],
  ['issued an hour from now', 'iat', (n) => signIdToken(op, claimsWith(n, { iat: now() + 3600 }))],
  [
    'not valid before an hour from now',
    'nbf',
    (n) => signIdToken(op, claimsWith(n, { nbf: now() + 3600 })),
  ],
  ['no sub', 'sub', (n) => signIdToken(op, without(n, 'sub'))],
  ['an empty sub', 'sub', (n) => signIdToken(op, claimsWith(n, { sub: '' }))],
  ['a numeric sub', 'sub', (n) => signIdToken(op, claimsWith(n, { sub: 42 }))],
  [
    'a sub over 255 characters',
    'sub',
    (n) => signIdToken(op, claimsWith(n, { sub: 'x'.repeat(256) })),
  ],
  ['no nonce', 'nonce', (n) => signIdToken(op, without(n, 'nonce'))],
  [
    'the nonce of another login',
    'nonce',
    (n) => signIdToken(op, claimsWith(n, { nonce: `${n}x` })),
  ],
  ['no ID token at all', 'format', () => undefined],
  ['an ID token that is not a JWS', 'format', () => 'not.a-jws'],
  [
    'a critical header parameter',
    'format',
    (n) =>
      signIdToken(op, idTokenClaims(op, n), {
        header: { alg: 'RS256', kid: 'rs-1', crit: ['exp'], exp: 1 },
      }),
  ],
];

describe('a bad ID token at login is refused, and nothing follows it', () => {
  it.each(ID_TOKEN_ROWS)('%s (%s)', async (_what, check, idToken) => {
    const rp = relyingParty({ fetchUserInfo: true });
    const { completion, storeOptions } = await login(rp, {
      answer: async (nonce) => tokenResponse(await idToken(nonce)),
    });
    const error = await expectRefused(completion, 'id_token_validation_error');
    expect(error).toBeInstanceOf(IdTokenValidationError);
    expect((error as IdTokenValidationError).check).toBe(check);
    // No userinfo request, no session.
    expectNothingAfter('/oauth/token');
    expect(await rp.getSession({ storeOptions })).toBeUndefined();
  });

  it.each([
    ['no auth_time', undefined],
    ['an authentication older than max_age', now() - 3600],
  ])('with max_age asked: %s (auth_time)', async (_what, authTime) => {
    const rp = relyingParty();
    const { completion } = await login(rp, {
      authorizationParams: { max_age: 60 },
      answer: (nonce) =>
        signIdToken(op, claimsWith(nonce, authTime ? { auth_time: authTime } : {})).then((t) =>
          tokenResponse(t),
        ),
    });
    const error = await expectRefused(completion, 'id_token_validation_error');
    expect((error as IdTokenValidationError).check).toBe('auth_time');
  });

  it('with no kid and two keys that fit, neither is guessed', async () => {
    const second = await generateTestKey('RS256');
    const { kid: _a, ...first } = op.keys.rs256.publicJwk;
    const { kid: _b, ...other } = second.publicJwk;
    op.script.jwks = () => ({ keys: [first, other] });
    const { completion } = await login(relyingParty(), {
      answer: async (nonce) =>
        tokenResponse(
          await signIdToken(op, idTokenClaims(op, nonce), { header: { alg: 'RS256' } }),
        ),
    });
    const error = await expectRefused(completion, 'id_token_validation_error');
    expect(error.message).toMatch(/names no kid and 2 keys fit RS256/);
  });

  it('with no kid, an encryption key is never a candidate', async () => {
    const { kid: _kid, ...rsa } = op.keys.rs256.publicJwk;
    op.script.jwks = () => ({ keys: [{ ...rsa, use: 'enc' }, op.keys.es256.publicJwk] });
    const { completion } = await login(relyingParty(), {
      answer: async (nonce) =>
        tokenResponse(
          await signIdToken(op, idTokenClaims(op, nonce), { header: { alg: 'RS256' } }),
        ),
    });
    const error = await expectRefused(completion, 'id_token_validation_error');
    expect(error.message).toMatch(/no published key fits RS256/);
  });
});

describe('a bad token response is refused', () => {
  it.each<[string, (idToken: string) => unknown]>([
    ['no access_token', (t) => ({ ...tokenResponse(t), access_token: undefined })],
    ['no token_type', (t) => ({ ...tokenResponse(t), token_type: undefined })],
    ['an unknown token_type', (t) => tokenResponse(t, { token_type: 'mac' })],
    ['expires_in that is not a number', (t) => tokenResponse(t, { expires_in: 'soon' })],
    ['a negative expires_in', (t) => tokenResponse(t, { expires_in: -5 })],
    ['a scope that is not a string', (t) => tokenResponse(t, { scope: ['openid'] })],
    ['a refresh_token that is not a string', (t) => tokenResponse(t, { refresh_token: 1 })],
    ['a JSON array', () => [1, 2]],
    ['a body that is not JSON', () => '<html>oops</html>'],
  ])('%s (token_exchange_error)', async (_what, body) => {
    const rp = relyingParty({ fetchUserInfo: true });
    const { completion, storeOptions } = await login(rp, {
      answer: async (nonce) => body(await signIdToken(op, idTokenClaims(op, nonce))),
    });
    await expectRefused(completion, 'token_exchange_error');
    expectNothingAfter('/oauth/token');
    expect(await rp.getSession({ storeOptions })).toBeUndefined();
  });

  it("carries the tenant's OAuth error", async () => {
    const { completion } = await login(relyingParty(), {
      status: 400,
      answer: () => ({ error: 'invalid_grant', error_description: 'used' }),
    });
    const error = await expectRefused(completion, 'token_exchange_error');
    expect(error).toMatchObject({ details: { error: 'invalid_grant', errorDescription: 'used' } });
  });
});

describe('the callback’s iss (RFC 9207)', () => {
  it.each<[string, (query: URLSearchParams) => void]>([
    ['another issuer', (query) => query.set('iss', 'https://evil.example/')],
    ['missing while discovery says it is sent', (query) => query.delete('iss')],
  ])('%s: refused before any code exchange', async (_what, change) => {
    const { completion } = await login(relyingParty(), {
      answer: async (nonce) => tokenResponse(await signIdToken(op, idTokenClaims(op, nonce))),
      callback: change,
    });
    await expectRefused(completion, 'invalid_callback');
    expect(lastRequestTo('/oauth/token')).toBe(-1);
  });

  it('may be absent when discovery does not advertise it', async () => {
    op.script.discovery = { authorization_response_iss_parameter_supported: false };
    const { completion } = await login(relyingParty(), {
      answer: async (nonce) => tokenResponse(await signIdToken(op, idTokenClaims(op, nonce))),
      callback: (query) => query.delete('iss'),
    });
    await expect(completion).resolves.toMatchObject({ session: { user: { sub: 'auth0|alice' } } });
  });
});

describe('userinfo (fetchUserInfo)', () => {
  const validLogin = (rp: ServerClient<{ cookies: MemoryCookieJar }>) =>
    login(rp, {
      answer: async (nonce) => tokenResponse(await signIdToken(op, idTokenClaims(op, nonce))),
    });

  it('is fetched with the access token in the Authorization header only, and merged', async () => {
    op.script.userinfo = () => ({
      body: { sub: 'auth0|alice', nickname: 'ali', email: 'new@example.com', iss: 'https://evil/' },
    });
    const { completion } = await validLogin(relyingParty({ fetchUserInfo: true }));
    const { session } = await completion;
    expect(session.user).toMatchObject({
      sub: 'auth0|alice',
      nickname: 'ali',
      email: 'new@example.com',
    });
    // Claims only the verified ID token may set are not taken from userinfo.
    expect(session.user.iss).toBe(op.issuer);
    const request = op.requests[lastRequestTo('/userinfo')];
    expect(request?.method).toBe('GET');
    expect(request?.headers.authorization).toBe('Bearer opaque-access-token');
    expect(request?.form.toString()).toBe('');
  });

  it('is not fetched by default', async () => {
    await (await validLogin(relyingParty())).completion;
    expect(lastRequestTo('/userinfo')).toBe(-1);
  });

  it.each<[string, () => { status?: number; body: unknown }]>([
    ['another user’s sub', () => ({ body: { sub: 'auth0|mallory', email: 'm@example.com' } })],
    ['an error', () => ({ status: 500, body: { error: 'server_error' } })],
    ['a body without sub', () => ({ body: { email: 'a@example.com' } })],
  ])('with %s, the login fails and no session is made', async (_what, answer) => {
    op.script.userinfo = answer;
    const rp = relyingParty({ fetchUserInfo: true });
    const { completion, storeOptions } = await validLogin(rp);
    await expectRefused(completion, 'userinfo_error');
    expectNothingAfter('/userinfo');
    expect(await rp.getSession({ storeOptions })).toBeUndefined();
  });
});

describe('on refresh', () => {
  /** A valid login, then a refresh answered with `body` for the refreshed ID token. */
  async function refreshWith(idToken: (original: Claims) => Promise<string | undefined>) {
    const rp = relyingParty();
    const { completion, storeOptions, nonce } = await login(rp, {
      answer: async (n) => tokenResponse(await signIdToken(op, idTokenClaims(op, n))),
    });
    const before = (await completion).session;
    const refreshed = await idToken(idTokenClaims(op, nonce));
    op.script.token = (form) =>
      form.get('grant_type') === 'refresh_token'
        ? {
            body: tokenResponse(refreshed, {
              access_token: 'access-2',
              refresh_token: 'refresh-2',
            }),
          }
        : { status: 400, body: { error: 'invalid_grant' } };
    const refresh = rp.getAccessToken({ storeOptions, forceRefresh: true });
    return { rp, storeOptions, before, refresh };
  }

  it.each<[string, IdTokenValidationError['check'], (original: Claims) => Promise<string>]>([
    ['a forged signature', 'signature', (c) => signIdToken(op, c, { key: op.keys.rogue })],
    ['alg none', 'signature', (c) => signJws({ alg: 'none' }, c, 'none')],
    ['another user’s sub', 'sub', (c) => signIdToken(op, { ...c, sub: 'auth0|mallory' })],
    ['another issuer', 'iss', (c) => signIdToken(op, { ...c, iss: 'https://evil.example/' })],
    ['another audience', 'aud', (c) => signIdToken(op, { ...c, aud: 'other-client' })],
    ['a nonce other than the original', 'nonce', (c) => signIdToken(op, { ...c, nonce: 'other' })],
    ['an expired token', 'exp', (c) => signIdToken(op, { ...c, exp: now() - 3600 })],
  ])('%s: the refresh fails and the session keeps its tokens', async (_what, check, idToken) => {
    const { rp, storeOptions, before, refresh } = await refreshWith(idToken);
    const error = await expectRefused(refresh, 'id_token_validation_error');
    expect((error as IdTokenValidationError).check).toBe(check);
    expectNothingAfter('/oauth/token');
    const after = await rp.getSession({ storeOptions });
    expect(after?.idToken).toBe(before.idToken);
    expect(after?.refreshToken).toBe('refresh-1');
    expect(after?.tokenSets.map((set) => set.accessToken)).toEqual(['opaque-access-token']);
  });

  it('a valid ID token for the same user replaces the stored one', async () => {
    const { rp, storeOptions, refresh } = await refreshWith((c) =>
      signIdToken(op, { ...c, nonce: undefined, iat: now() + 1 }),
    );
    expect((await refresh).accessToken).toBe('access-2');
    const after = await rp.getSession({ storeOptions });
    expect(decodeJwt(after?.idToken as string).nonce).toBeUndefined();
    expect(after?.refreshToken).toBe('refresh-2');
  });

  it('a response without an ID token keeps the stored one', async () => {
    const { rp, storeOptions, before, refresh } = await refreshWith(async () => undefined);
    await refresh;
    expect((await rp.getSession({ storeOptions }))?.idToken).toBe(before.idToken);
  });
});

describe('client authentication', () => {
  const validLogin = (rp: ServerClient<{ cookies: MemoryCookieJar }>) =>
    login(rp, {
      answer: async (nonce) => tokenResponse(await signIdToken(op, idTokenClaims(op, nonce))),
    }).then(({ completion }) => completion);
  const tokenRequest = () => op.requests[lastRequestTo('/oauth/token')];
  const formDecode = (value: string) => decodeURIComponent(value.replace(/\+/g, ' '));

  it('client_secret_basic (default): id and secret form-encoded inside Basic', async () => {
    await validLogin(relyingParty());
    const { headers, form } = tokenRequest() ?? { headers: {}, form: new URLSearchParams() };
    const basic = Buffer.from(String(headers.authorization).replace(/^Basic /, ''), 'base64');
    // RFC 6749 §2.3.1: each part form-encoded, so the secret's own ':' cannot split it.
    const parts = basic.toString().split(':');
    expect(parts).toHaveLength(2);
    expect(parts.map((part) => formDecode(part))).toEqual([CLIENT_ID, CLIENT_SECRET]);
    expect(form.has('client_secret')).toBe(false);
  });

  it('client_secret_post: the secret in the body, no Authorization header', async () => {
    await validLogin(relyingParty({ tokenEndpointAuthMethod: 'client_secret_post' }));
    const { headers, form } = tokenRequest() ?? { headers: {}, form: new URLSearchParams() };
    expect(headers.authorization).toBeUndefined();
    expect(form.get('client_id')).toBe(CLIENT_ID);
    expect(form.get('client_secret')).toBe(CLIENT_SECRET);
  });

  it('private_key_jwt: a client assertion for the issuer, signed with the key', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await validLogin(
      relyingParty({
        clientSecret: undefined,
        clientAssertionSigningKey: privateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
      }),
    );
    const { headers, form } = tokenRequest() ?? { headers: {}, form: new URLSearchParams() };
    expect(headers.authorization).toBeUndefined();
    expect(form.get('client_assertion_type')).toBe(
      'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    );
    const { payload } = await jwtVerify(form.get('client_assertion') as string, publicKey, {
      issuer: CLIENT_ID,
      subject: CLIENT_ID,
    });
    expect(payload.aud).toBe(op.issuer);
  });

  it('the same method on refresh', async () => {
    const rp = relyingParty({ tokenEndpointAuthMethod: 'client_secret_post' });
    const { completion, storeOptions } = await login(rp, {
      answer: async (nonce) => tokenResponse(await signIdToken(op, idTokenClaims(op, nonce))),
    });
    await completion;
    op.script.token = () => ({ body: tokenResponse(undefined, { access_token: 'access-2' }) });
    await rp.getAccessToken({ storeOptions, forceRefresh: true });
    expect(tokenRequest()?.form.get('grant_type')).toBe('refresh_token');
    expect(tokenRequest()?.form.get('client_secret')).toBe(CLIENT_SECRET);
  });
});

describe('what the specs allow is accepted', () => {
  const loginWith = (
    rp: ServerClient<{ cookies: MemoryCookieJar }>,
    body: (idToken: string, nonce: string) => unknown,
  ) =>
    login(rp, {
      answer: async (nonce) => body(await signIdToken(op, idTokenClaims(op, nonce)), nonce),
    }).then(({ completion }) => completion);

  it('a token response without expires_in, scope or refresh_token, token_type in capitals', async () => {
    const { session } = await loginWith(relyingParty(), (idToken) => ({
      access_token: 'at',
      token_type: 'BEARER',
      id_token: idToken,
    }));
    expect(session.tokenSets[0]?.accessToken).toBe('at');
    expect(session.refreshToken).toBeUndefined();
  });

  it('an ID token without kid when exactly one published key fits', async () => {
    const { kid: _kid, ...rsa } = op.keys.rs256.publicJwk;
    op.script.jwks = () => ({ keys: [rsa, op.keys.es256.publicJwk] });
    const { session } = await login(relyingParty(), {
      answer: async (nonce) =>
        tokenResponse(
          await signIdToken(op, idTokenClaims(op, nonce), { header: { alg: 'RS256' } }),
        ),
    }).then(({ completion }) => completion);
    expect(session.user.sub).toBe('auth0|alice');
  });

  it('a JWKS holding keys this runtime cannot import (secp256k1): skipped, not fatal', async () => {
    const secp256k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey.export({
      format: 'jwk',
    });
    op.script.jwks = () => ({
      keys: [{ ...secp256k1, kid: 'k1' }, op.keys.rs256.publicJwk],
    });
    const { session } = await loginWith(relyingParty(), (idToken) => tokenResponse(idToken));
    expect(session.user.sub).toBe('auth0|alice');
  });

  it('ES256 when the client is configured for it', async () => {
    const { session } = await login(relyingParty({ idTokenSigningAlg: 'ES256' }), {
      answer: async (nonce) =>
        tokenResponse(await signIdToken(op, idTokenClaims(op, nonce), { key: op.keys.es256 })),
    }).then(({ completion }) => completion);
    expect(session.user.sub).toBe('auth0|alice');
  });

  it('HS256 with the client secret when configured for it', async () => {
    const { session } = await login(relyingParty({ idTokenSigningAlg: 'HS256' }), {
      answer: async (nonce) =>
        tokenResponse(
          await signIdToken(op, idTokenClaims(op, nonce), {
            header: { alg: 'HS256' },
            key: new TextEncoder().encode(CLIENT_SECRET),
          }),
        ),
    }).then(({ completion }) => completion);
    expect(session.user.sub).toBe('auth0|alice');
  });

  it('a trusted extra audience with azp naming the client', async () => {
    const { session } = await login(relyingParty(), {
      answer: async (nonce) =>
        tokenResponse(
          await signIdToken(op, claimsWith(nonce, { aud: [CLIENT_ID, TRUSTED], azp: CLIENT_ID })),
        ),
    }).then(({ completion }) => completion);
    expect(session.user.sub).toBe('auth0|alice');
  });

  it('a recent auth_time under max_age', async () => {
    const { session } = await login(relyingParty(), {
      authorizationParams: { max_age: '300' },
      answer: async (nonce) =>
        tokenResponse(await signIdToken(op, claimsWith(nonce, { auth_time: now() - 10 }))),
    }).then(({ completion }) => completion);
    expect(session.user.sub).toBe('auth0|alice');
  });
});

describe('a signing-key rotation', () => {
  it('is picked up by the next login, with one extra JWKS request', async () => {
    const rp = relyingParty();
    const answer = async (nonce: string) =>
      tokenResponse(await signIdToken(op, idTokenClaims(op, nonce)));
    await (await login(rp, { answer })).completion;
    const jwksRequests = () =>
      op.requests.filter((r) => r.path === '/.well-known/jwks.json').length;
    const before = jwksRequests();
    const rotated = await generateTestKey('RS256', { kid: 'rs-2' });
    op.script.jwks = () => ({ keys: [op.keys.rs256.publicJwk, rotated.publicJwk] });
    const { completion } = await login(rp, {
      answer: async (nonce) =>
        tokenResponse(await signIdToken(op, idTokenClaims(op, nonce), { key: rotated })),
    });
    await expect(completion).resolves.toMatchObject({ session: { user: { sub: 'auth0|alice' } } });
    expect(jwksRequests()).toBe(before + 1);
  });
});

describe('a login into an organization', () => {
  const loginTo = (organization: string, claims: (nonce: string) => Claims) => {
    const rp = relyingParty();
    return login(rp, {
      authorizationParams: { organization },
      answer: async (nonce) => tokenResponse(await signIdToken(op, claims(nonce))),
    }).then(({ completion, storeOptions }) => ({ rp, completion, storeOptions }));
  };

  it.each<[string, string, Claims]>([
    ['another org_id', 'org_acme', { org_id: 'org_globex', org_name: 'globex' }],
    ['no organization at all', 'org_acme', {}],
    ['the id asked for only as org_name', 'org_acme', { org_name: 'org_acme' }],
    ['another org_name', 'acme', { org_id: 'org_globex', org_name: 'globex' }],
  ])('refuses an ID token naming %s, and makes no session', async (_what, organization, claims) => {
    const { rp, completion, storeOptions } = await loginTo(organization, (nonce) =>
      claimsWith(nonce, claims),
    );
    await expectRefused(completion, 'organization_token_validation_error');
    expect(await rp.getSession({ storeOptions })).toBeUndefined();
  });

  it('accepts the organization asked for, by id or by name in any case', async () => {
    for (const organization of ['org_acme', 'ACME']) {
      const { completion } = await loginTo(organization, (nonce) =>
        claimsWith(nonce, { org_id: 'org_acme', org_name: 'acme' }),
      );
      await expect(completion).resolves.toMatchObject({
        session: { user: { org_id: 'org_acme' } },
      });
    }
  });
});

describe('a token exchange', () => {
  it.each<[string, IdTokenValidationError['check'], () => Promise<string>]>([
    [
      'a forged signature',
      'signature',
      () => signIdToken(op, idTokenClaims(op), { key: op.keys.rogue }),
    ],
    ['alg none', 'signature', () => signJws({ alg: 'none' }, idTokenClaims(op), 'none')],
    ['another audience', 'aud', () => signIdToken(op, { ...idTokenClaims(op), aud: 'other' })],
    ['an expired token', 'exp', () => signIdToken(op, { ...idTokenClaims(op), exp: now() - 3600 })],
  ])(
    'with %s in its ID token is refused as at login, and makes no session',
    async (_what, check, idToken) => {
      const rp = relyingParty();
      const bad = await idToken();
      op.script.token = () => ({ body: tokenResponse(bad) });
      const storeOptions = { cookies: new MemoryCookieJar() };
      const error = await rp
        .loginWithCustomTokenExchange({
          subjectToken: 'legacy',
          subjectTokenType: 'urn:acme:legacy',
          storeOptions,
        })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(IdTokenValidationError);
      expect((error as IdTokenValidationError).check).toBe(check);
      expect(await rp.getSession({ storeOptions })).toBeUndefined();
      const exchange = op.requests[lastRequestTo('/oauth/token')];
      expect(exchange?.form.get('grant_type')).toBe(
        'urn:ietf:params:oauth:grant-type:token-exchange',
      );
      expectNothingAfter('/oauth/token');
    },
  );
});

describe('configuration', () => {
  it.each<[string, Overrides, string]>([
    ['none is never accepted', { idTokenSigningAlg: 'none' as never }, 'idTokenSigningAlg'],
    [
      'HMAC needs the client secret',
      {
        idTokenSigningAlg: 'HS256',
        clientSecret: undefined,
        clientAssertionSigningKey: createPrivateKey(
          generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
            format: 'pem',
            type: 'pkcs8',
          }),
        ),
      },
      'idTokenSigningAlg',
    ],
    [
      'an unknown auth method',
      { tokenEndpointAuthMethod: 'tls_client_auth' as never },
      'tokenEndpointAuthMethod',
    ],
    [
      'private_key_jwt without a key',
      { tokenEndpointAuthMethod: 'private_key_jwt' },
      'clientAssertionSigningKey',
    ],
    [
      'trusted audiences that are not strings',
      { idTokenTrustedAudiences: [1] as never },
      'idTokenTrustedAudiences',
    ],
    ['a negative clock tolerance', { clockTolerance: -1 }, 'clockTolerance'],
    ['fetchUserInfo that is not a boolean', { fetchUserInfo: 'yes' as never }, 'fetchUserInfo'],
    [
      'a max_age that is not whole seconds',
      { authorizationParams: { max_age: 1.5 } },
      'authorizationParams.max_age',
    ],
  ])('%s', (_what, overrides, option) => {
    expect(() => relyingParty(overrides)).toThrow(
      expect.objectContaining({ code: 'configuration_error', option }),
    );
  });
});
