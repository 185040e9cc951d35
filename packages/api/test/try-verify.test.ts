/**
 * The synchronous lane (`tryVerifyRequest`, `RouteGuard.check`): the same answers as the
 * asynchronous one whenever no I/O is needed, `undefined` (with nothing started) whenever some is,
 * and refusals thrown with the very errors `verifyRequest` rejects with.
 */
import {
  AUDIENCE,
  generateTestKey,
  jwksOf,
  mintAccessToken,
  mintDpopProof,
  type TestKey,
  thumbprintOf,
} from '@gatehouse/test-kit/tokens';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type GuardedRequest,
  type GuardPass,
  organizationRequirement,
  RouteGuard,
  type VerifiedAccessToken,
} from '../src/guard.js';
import { ApiClient, type ApiClientOptions, AuthError } from '../src/index.js';
import { type JwksServer, startJwksServer } from './support/jwks-server.js';

let server: JwksServer;
let key: TestKey;
beforeEach(async () => {
  key = await generateTestKey('ES256');
  server = await startJwksServer(jwksOf(key));
});
afterEach(() => server.close());

const now = () => Math.floor(Date.now() / 1000);
const client = (options: Partial<ApiClientOptions> = {}) =>
  new ApiClient({ domain: server.url, audience: AUDIENCE, algorithms: ['ES256'], ...options });
const tokenFor = (claims: Record<string, unknown> = {}) =>
  mintAccessToken(key, { issuer: server.issuer, now: now(), claims });
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

/** The error a call throws or rejects with. */
async function failure(call: () => unknown): Promise<AuthError> {
  try {
    await call();
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return error as AuthError;
  }
  throw new Error('expected a refusal');
}

describe('ApiClient.tryVerifyRequest', () => {
  it('answers at once, as verifyRequest does, once the keys are fresh', async () => {
    const api = client();
    await api.warmUp();
    const request = bearer(await tokenFor());
    const now = api.tryVerifyRequest(request);
    expect(now).toEqual(await api.verifyRequest(request));
    expect(now?.claims.sub).toBe('auth0|alice');
  });

  it('gives up without starting anything while the keys are not fetched', async () => {
    const api = client();
    const request = bearer(await tokenFor());
    expect(api.tryVerifyRequest(request)).toBeUndefined();
    expect(server.total).toBe(0);
    await expect(api.verifyRequest(request)).resolves.toMatchObject({ scheme: 'bearer' });
    expect(api.tryVerifyRequest(request)).toBeDefined();
  });

  it('gives up for a domains resolver or a validator, without calling either', async () => {
    let calls = 0;
    const resolving = new ApiClient({
      domains: () => {
        calls += 1;
        return [server.url];
      },
      audience: AUDIENCE,
      algorithms: ['ES256'],
    });
    const validating = client({
      validators: [
        () => {
          calls += 1;
          return true;
        },
      ],
    });
    await validating.warmUp();
    const request = bearer(await tokenFor());
    expect(resolving.tryVerifyRequest(request)).toBeUndefined();
    expect(validating.tryVerifyRequest(request)).toBeUndefined();
    expect(calls).toBe(0);
    await resolving.verifyRequest(request);
    await validating.verifyRequest(request);
    expect(calls).toBe(2);
  });

  it('gives up for a DPoP request, whose proof must be recorded in the replay store', async () => {
    const api = client({ dpop: { mode: 'allowed' } });
    await api.warmUp();
    const url = 'https://api.example.com/orders';
    const token = await tokenFor({ cnf: { jkt: await thumbprintOf(key) } });
    const proof = await mintDpopProof(key, { method: 'GET', url, accessToken: token, now: now() });
    const request = {
      headers: { authorization: `DPoP ${token}`, dpop: proof },
      method: 'GET',
      url,
    };
    expect(api.tryVerifyRequest(request)).toBeUndefined();
    await expect(api.verifyRequest(request)).resolves.toMatchObject({ scheme: 'dpop' });
    await expect(api.verifyRequest(request)).rejects.toMatchObject({ code: 'dpop_proof_replayed' });
  });

  it.each([
    ['no credentials', {}],
    ['a malformed header', { authorization: 'Bearer a b' }],
    ['a token for another API', 'aud'],
    ['an expired token', 'exp'],
    ['missing scopes', 'scope'],
  ])('throws the error verifyRequest rejects with: %s', async (_label, variant) => {
    const api = client();
    await api.warmUp();
    let request: Parameters<ApiClient['verifyRequest']>[0];
    if (typeof variant === 'object') request = { headers: variant as Record<string, string> };
    else if (variant === 'scope') request = { ...bearer(await tokenFor()), scopes: 'admin' };
    else {
      const claims = variant === 'aud' ? { aud: 'https://other.example' } : { exp: now() - 600 };
      request = bearer(await tokenFor(claims));
    }
    const now_ = await failure(() => api.tryVerifyRequest(request));
    const later = await failure(() => api.verifyRequest(request));
    expect([now_.code, now_.status, now_.headers]).toEqual([
      later.code,
      later.status,
      later.headers,
    ]);
  });
});

describe('RouteGuard.check', () => {
  /** What `check` called back with before returning, in this tick. */
  const checkNow = (guard: RouteGuard, request: GuardedRequest) => {
    const calls: [unknown, GuardPass | undefined][] = [];
    guard.check(request, (error, pass) => calls.push([error, pass]));
    return calls;
  };

  it('answers in the same tick: a verified token, an anonymous pass, or the refusal', async () => {
    const api = client();
    await api.warmUp();
    const token = await tokenFor();
    const request = { method: 'GET', target: '/orders' };
    expect(
      checkNow(new RouteGuard(api), { ...request, headers: { authorization: `Bearer ${token}` } }),
    ).toMatchObject([[undefined, { verified: { token, scheme: 'bearer' }, responseHeaders: {} }]]);
    expect(checkNow(new RouteGuard(api, { required: false }), { ...request, headers: {} })).toEqual(
      [[undefined, { responseHeaders: {} }]],
    );
    const refused = checkNow(new RouteGuard(api), { ...request, headers: {} });
    expect(refused).toHaveLength(1);
    expect(refused[0]?.[0]).toBeInstanceOf(AuthError);
  });

  it('calls back once, later, when the keys must be fetched first', async () => {
    const api = client();
    const token = await tokenFor();
    const request = {
      method: 'GET',
      target: '/orders',
      headers: { authorization: `Bearer ${token}` },
    };
    const calls = checkNow(new RouteGuard(api), request);
    expect(calls).toEqual([]);
    await expect(new RouteGuard(api).verify(request)).resolves.toMatchObject({
      verified: { token },
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(calls).toMatchObject([[undefined, { verified: { token } }]]);
  });
});

describe('organizationRequirement: the token must be of an Auth0 organization', () => {
  it.each<[string, Record<string, unknown>, boolean]>([
    ['org_acme', { org_id: 'org_acme', org_name: 'acme' }, true],
    ['org_acme', { org_id: 'org_globex', org_name: 'globex' }, false],
    ['org_acme', { org_name: 'org_acme' }, false],
    ['ACME', { org_id: 'org_acme', org_name: 'acme' }, true],
    ['acme', { org_id: 'acme' }, false],
    ['acme', {}, false],
  ])('%s with %j: %s', async (organization, claims, accepted) => {
    const api = client();
    const guard = new RouteGuard(api);
    const { verified } = await guard.verify({
      method: 'GET',
      target: '/orders',
      ...bearer(await tokenFor(claims)),
    });
    const check = () =>
      guard.require(organizationRequirement(organization), verified as VerifiedAccessToken);
    if (accepted) expect(check).not.toThrow();
    else expect((await failure(check)).code).toBe('claim_validation_failed');
  });

  it('refuses a blank organization at set-up', () => {
    expect(() => organizationRequirement(' ')).toThrow(/org_ id or an organization name/);
  });
});
