/**
 * Real tokens from the dev tenant, obtained through its login flow over HTTP: verification,
 * scopes, key rotation at the tenant, and a tenant that goes away.
 */
import { type DevTenant, startDevTenant } from '@gatehouse/dev-tenant';
import { AUDIENCE } from '@gatehouse/test-kit/tokens';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiClient,
  InsufficientScopeError,
  KeysUnavailableError,
  VerifyAccessTokenError,
} from '../src/index.js';
import { ManualClock } from './support/clock.js';
import { tenantAccessToken } from './support/tenant.js';

let tenant: DevTenant;
beforeAll(async () => {
  tenant = await startDevTenant();
});
afterAll(() => tenant.close());

describe('tokens from the dev tenant', () => {
  it('verify, in strict RFC 9068 mode, with the claims the tenant issued', async () => {
    const api = new ApiClient({ domain: tenant.domain, audience: AUDIENCE, strict: true });
    const token = await tenantAccessToken(tenant, { scope: 'openid read:orders' });
    const claims = await api.verifyAccessToken({ accessToken: token });
    expect(claims).toMatchObject({
      iss: tenant.issuer,
      sub: 'auth0|alice',
      aud: AUDIENCE,
      client_id: 'demo-web',
      azp: 'demo-web',
    });
    expect(claims.scope?.split(' ')).toContain('read:orders');
  });

  it('pass verifyRequest with the scope they carry, and get a 403 challenge for one they lack', async () => {
    const api = new ApiClient({ domain: tenant.domain, audience: AUDIENCE });
    const token = await tenantAccessToken(tenant, { scope: 'openid read:orders' });
    const headers = { authorization: `Bearer ${token}` };
    const verified = await api.verifyRequest({ headers, scopes: 'read:orders' });
    expect(verified).toMatchObject({ scheme: 'bearer', token });

    const refused = await api
      .verifyRequest({ headers, scopes: ['read:orders', 'write:orders'] })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(InsufficientScopeError);
    expect(refused).toMatchObject({ status: 403, code: 'insufficient_scope' });
    expect((refused as InsufficientScopeError).headers['www-authenticate']).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="The access token lacks a required scope", scope="read:orders write:orders", DPoP realm="api", algs="ES256 EdDSA PS256 RS256"',
    );
  });

  it('for another API are refused', async () => {
    const api = new ApiClient({ domain: tenant.domain, audience: AUDIENCE });
    const token = await tenantAccessToken(tenant, {
      audience: 'https://analytics.example.com',
      scope: 'openid read:analytics',
    });
    await expect(api.verifyAccessToken({ accessToken: token })).rejects.toMatchObject({
      code: 'invalid_audience',
      status: 401,
    });
  });
});

describe('key rotation at the tenant (rotateKeys)', () => {
  it('is picked up by the first token signed with the new key, with one JWKS refetch', async () => {
    const api = new ApiClient({ domain: tenant.domain, audience: AUDIENCE });
    await api.warmUp();
    const before = await tenantAccessToken(tenant);
    await api.verifyAccessToken({ accessToken: before });
    const fetchesBefore = api.stats().fetches;

    await tenant.rotateKeys();
    const after = await tenantAccessToken(tenant);
    const header = JSON.parse(Buffer.from(after.split('.')[0] ?? '', 'base64url').toString());
    const oldHeader = JSON.parse(Buffer.from(before.split('.')[0] ?? '', 'base64url').toString());
    expect(header.kid).not.toBe(oldHeader.kid);

    await expect(api.verifyAccessToken({ accessToken: after })).resolves.toMatchObject({
      sub: 'auth0|alice',
    });
    expect(api.stats().fetches).toBe(fetchesBefore + 1);
    // Old keys stay published, so tokens signed before the rotation still verify, without a fetch.
    await api.verifyAccessToken({ accessToken: before });
    await api.verifyAccessToken({ accessToken: after });
    expect(api.stats().fetches).toBe(fetchesBefore + 1);
  });
});

describe('an unreachable tenant', () => {
  it('is covered by last-known-good keys for staleIfError, then fails with a clear error', async () => {
    const doomed = await startDevTenant();
    const clock = new ManualClock();
    const api = new ApiClient({
      domain: doomed.domain,
      audience: AUDIENCE,
      now: clock.now,
      cache: { maxAge: 600, staleIfError: 3600, failureBackoff: 30 },
    });
    const token = await tenantAccessToken(doomed);
    await api.verifyAccessToken({ accessToken: token });
    await doomed.close();

    // Keys are stale and the tenant is down: the last good keys serve.
    clock.advance(601);
    await expect(api.verifyAccessToken({ accessToken: token })).resolves.toMatchObject({
      iss: doomed.issuer,
    });
    const fetchesDuringOutage = api.stats().fetches;
    // Within the failure backoff, the tenant is not asked again.
    clock.advance(10);
    await api.verifyAccessToken({ accessToken: token });
    expect(api.stats().fetches).toBe(fetchesDuringOutage);

    // Past the bound, a clear error: not the client's fault, so 503 rather than 401.
    clock.advance(3600);
    const error = await api.verifyAccessToken({ accessToken: token }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeysUnavailableError);
    expect(error).toMatchObject({ code: 'keys_unavailable', status: 503 });
    expect((error as Error).message).toMatch(/could not be refreshed .* more than 3600 s stale/);
    expect((error as KeysUnavailableError).headers['retry-after']).toBe('30');
    expect(error).not.toBeInstanceOf(VerifyAccessTokenError);
  });
});
