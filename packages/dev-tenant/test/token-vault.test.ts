import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DevTenant,
  FEDERATED_TOKEN_TYPE,
  startDevTenant,
  TOKEN_VAULT_GRANT,
} from '../src/index.js';
import { loginTokens, tokenRequest } from './helpers.js';

let tenant: DevTenant;
beforeAll(async () => {
  tenant = await startDevTenant({
    config: {
      users: [
        {
          email: 'alice@example.com',
          password: 'alice-password',
          connectedAccounts: [
            { connection: 'google-oauth2', scopes: 'openid email calendar.readonly' },
          ],
        },
        { email: 'bob@example.com', password: 'bob-password' },
      ],
    },
  });
});
afterAll(() => tenant.close());

const exchange = (subject: string, type: string, extra: Record<string, string> = {}) =>
  tokenRequest(tenant, {
    grant_type: TOKEN_VAULT_GRANT,
    subject_token: subject,
    subject_token_type: type,
    requested_token_type: FEDERATED_TOKEN_TYPE,
    connection: 'google-oauth2',
    ...extra,
  });

const upstreamMe = (token: string, connection = 'google-oauth2') =>
  fetch(`${tenant.url}/upstream/${connection}/me`, {
    headers: { authorization: `Bearer ${token}` },
  });

describe('Token Vault', () => {
  it('exchanges a refresh token for an upstream token that the upstream API accepts', async () => {
    const tokens = await loginTokens(tenant);
    const result = await exchange(
      tokens.refresh_token ?? '',
      'urn:ietf:params:oauth:token-type:refresh_token',
    );
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'openid email calendar.readonly',
      issued_token_type: FEDERATED_TOKEN_TYPE,
    });
    const me = await upstreamMe(result.body.access_token ?? '');
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({
      connection: 'google-oauth2',
      user: 'auth0|alice',
      account: 'alice@example.com',
    });
    expect((await upstreamMe(result.body.access_token ?? '', 'github')).status).toBe(401);
    expect((await upstreamMe('upstream.google-oauth2.forged')).status).toBe(401);
  });

  it('exchanges an API access token, as APIs do', async () => {
    const tokens = await loginTokens(tenant, { audience: 'https://api.example.com' });
    const result = await exchange(
      tokens.access_token ?? '',
      'urn:ietf:params:oauth:token-type:access_token',
    );
    expect(result.status).toBe(200);
    expect((await upstreamMe(result.body.access_token ?? '')).status).toBe(200);
  });

  it('answers with a clear error when the user has not connected the account', async () => {
    const tokens = await loginTokens(
      tenant,
      {},
      { email: 'bob@example.com', password: 'bob-password' },
    );
    const result = await exchange(
      tokens.refresh_token ?? '',
      'urn:ietf:params:oauth:token-type:refresh_token',
    );
    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({
      error: 'invalid_grant',
      error_description: expect.stringContaining('no connected account'),
    });
  });

  it('refuses a subject token that is not one of ours', async () => {
    const result = await exchange('not-a-token', 'urn:ietf:params:oauth:token-type:refresh_token');
    expect(result.body.error).toBe('invalid_grant');
  });
});

describe('token responses list the OpenID Connect scopes, as Auth0 does', () => {
  it('at login and at refresh', async () => {
    const tokens = await loginTokens(tenant, {
      audience: 'https://api.example.com',
      scope: 'openid profile email offline_access read:orders',
    });
    expect(tokens.scope?.split(' ').sort()).toEqual([
      'email',
      'offline_access',
      'openid',
      'profile',
      'read:orders',
    ]);
    const refreshed = await tokenRequest(tenant, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token ?? '',
      audience: 'https://analytics.example.com',
      scope: 'openid read:analytics',
    });
    expect(refreshed.body.scope).toBe('openid read:analytics');
  });
});
