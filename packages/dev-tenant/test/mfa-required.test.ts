/**
 * APIs that require a second factor: a login for one asks for it; a refresh of a login without
 * one answers `mfa_required` with an `mfa_token` (for a client proving itself by secret or by
 * assertion), which lasts `mfaTokenLifetime`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { generateTestKey, jwksOf, signJws } from '@gatehouse/test-kit/tokens';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevTenant, MFA_ACR, startDevTenant } from '../src/index.js';
import { readOutbox } from '../src/testing/index.js';
import { authorize, CALLBACK, loginTokens } from './helpers.js';
import {
  mfaApi,
  mfaTenantConfig,
  mfaTokenFor,
  ORDERS_API,
  OTP_GRANT,
  plainRefreshToken,
  refreshIntoVault,
  token,
  user,
  VAULT_API,
} from './mfa-helpers.js';

let tenant: DevTenant;
beforeAll(async () => {
  tenant = await startDevTenant({ config: mfaTenantConfig() });
});
afterAll(() => tenant.close());

/** The newest code sent to `to`. */
const newestCode = async (to: string) =>
  (await readOutbox({ tenantUrl: tenant.url, to })).at(-1)?.code ?? '';

describe('an API that requires a second factor', () => {
  it('answers a refresh of a login without one with mfa_required and an mfa_token', async () => {
    const refreshToken = await plainRefreshToken(tenant, user('bob'));
    const answer = await refreshIntoVault(tenant, refreshToken);
    expect(answer).toEqual({
      status: 403,
      body: {
        error: 'mfa_required',
        error_description: 'Multifactor authentication required',
        mfa_token: expect.stringMatching(/^[\w-]{40,}$/),
      },
    });
    // The same refresh token still refreshes into APIs that do not require one.
    const orders = await token(tenant, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    });
    expect(orders.status).toBe(200);
    expect(decodeJwt(orders.body.access_token).aud).toBe(ORDERS_API);
  });

  it('leaves a refresh with a wrong client secret to invalid_client', async () => {
    const refreshToken = await plainRefreshToken(tenant, user('bob'));
    const answer = await token(
      tenant,
      { grant_type: 'refresh_token', refresh_token: refreshToken, audience: VAULT_API },
      { id: 'demo-web', secret: 'wrong' },
    );
    expect(answer.status).toBe(401);
    expect(answer.body.error).toBe('invalid_client');
  });

  it('asks for the second factor at a login for it, and its refreshes then get tokens', async () => {
    const bob = { ...user('bob'), otp: () => newestCode('bob@example.com') };
    const tokens = await loginTokens(tenant, { audience: VAULT_API }, bob);
    expect(decodeJwt(tokens.access_token ?? '')).toMatchObject({ aud: VAULT_API });
    expect(decodeJwt(tokens.id_token ?? '')).toMatchObject({ amr: ['mfa'], acr: MFA_ACR });
    const refreshed = await token(tenant, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token ?? '',
    });
    expect(refreshed.status).toBe(200);
    expect(decodeJwt(refreshed.body.access_token).aud).toBe(VAULT_API);
  });

  it('gives tokens to refreshes of a login that went through a second factor', async () => {
    const bob = { ...user('bob'), otp: () => newestCode('bob@example.com') };
    const tokens = await loginTokens(tenant, { audience: ORDERS_API, acr_values: MFA_ACR }, bob);
    const answer = await refreshIntoVault(tenant, tokens.refresh_token ?? '');
    expect(answer.status).toBe(200);
    expect(decodeJwt(answer.body.access_token)).toMatchObject({
      aud: VAULT_API,
      scope: 'read:secrets',
    });
  });
});

describe('mfaTokenLifetime', () => {
  it('ends an mfa_token: expired_token at the grants and the MFA API', async () => {
    const shortLived = await startDevTenant({ config: mfaTenantConfig({ mfaTokenLifetime: 1 }) });
    try {
      const { mfaToken } = await mfaTokenFor(shortLived, user('ivan'));
      await sleep(1100);
      const expired = { error: 'expired_token', error_description: 'mfa_token is expired' };
      expect(
        await token(shortLived, { grant_type: OTP_GRANT, mfa_token: mfaToken, otp: '123456' }),
      ).toEqual({
        status: 403,
        body: expired,
      });
      expect(await mfaApi(shortLived, '/mfa/authenticators', { mfaToken })).toEqual({
        status: 403,
        body: expired,
      });
    } finally {
      await shortLived.close();
    }
  });
});

describe('a private_key_jwt client', () => {
  it('gets mfa_required at a refresh, and challenges with a client assertion', async () => {
    const key = await generateTestKey('RS256', { kid: 'signer' });
    const base = mfaTenantConfig();
    const withKeys = await startDevTenant({
      config: {
        ...base,
        clients: [
          {
            clientId: 'signer',
            redirectUris: [CALLBACK],
            jwks: jwksOf(key),
            refreshTokenPolicies: [{ audience: VAULT_API, scope: 'read:secrets' }],
          },
        ],
      },
    });
    try {
      const assertion = () =>
        signJws(
          { alg: 'RS256', kid: 'signer' },
          {
            iss: 'signer',
            sub: 'signer',
            aud: withKeys.issuer,
            jti: crypto.randomUUID(),
            iat: Math.floor(Date.now() / 1000),
            exp: Math.floor(Date.now() / 1000) + 60,
          },
          key,
        );
      const clientAuth = async () => ({
        client_id: 'signer',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: await assertion(),
      });
      const { code, verifier } = await authorize(
        withKeys,
        { client_id: 'signer' },
        undefined,
        user('bob'),
      );
      const post = async (body: Record<string, string>) => {
        const response = await fetch(`${withKeys.url}/oauth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ ...body, ...(await clientAuth()) }),
        });
        return { status: response.status, body: await response.json() };
      };
      const tokens = await post({
        grant_type: 'authorization_code',
        code: code ?? '',
        redirect_uri: CALLBACK,
        code_verifier: verifier,
      });
      const refreshed = await post({
        grant_type: 'refresh_token',
        refresh_token: tokens.body.refresh_token,
        audience: VAULT_API,
      });
      expect(refreshed.status).toBe(403);
      expect(refreshed.body.error).toBe('mfa_required');
      const challenged = await mfaApi(withKeys, '/mfa/challenge', {
        body: {
          mfa_token: refreshed.body.mfa_token,
          challenge_type: 'oob',
          ...(await clientAuth()),
        },
      });
      expect(challenged.body.challenge_type).toBe('oob');
    } finally {
      await withKeys.close();
    }
  });
});
