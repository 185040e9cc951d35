/**
 * Token Vault (`getAccessTokenForConnection`) end to end against the dev tenant. The request and
 * the response processing it shares with web apps are tested in `@gatehouse/base`.
 */
import { type DevTenant, startDevTenant } from '@gatehouse/dev-tenant';
import { AUDIENCE } from '@gatehouse/test-kit/tokens';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AccessTokenForConnectionError,
  ApiClient,
  ConfigurationError,
  MissingRequiredArgumentError,
} from '../src/index.js';
import { ALICE, BOB, DEMO_CLIENT, tenantAccessToken } from './support/tenant.js';

describe('getAccessTokenForConnection against the dev tenant', () => {
  let tenant: DevTenant;
  beforeAll(async () => {
    tenant = await startDevTenant({
      config: {
        users: [
          {
            ...ALICE,
            connectedAccounts: [
              { connection: 'google-oauth2', scopes: 'openid calendar.readonly' },
            ],
          },
          BOB,
        ],
      },
    });
  });
  afterAll(() => tenant.close());

  const client = () => new ApiClient({ domain: tenant.domain, audience: AUDIENCE, ...DEMO_CLIENT });

  it("exchanges the API's access token for the user's upstream token", async () => {
    const api = client();
    const accessToken = await tenantAccessToken(tenant);
    const { claims } = await api.verifyRequest({
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(claims.sub).toBe('auth0|alice');
    const upstream = await api.getAccessTokenForConnection({
      connection: 'google-oauth2',
      accessToken,
    });
    expect(upstream.scope).toBe('openid calendar.readonly');
    expect(upstream.expiresAt).toBeGreaterThan(Date.now() / 1000);
    // The upstream API stand-in of the dev tenant accepts it.
    const me = await fetch(`${tenant.url}/upstream/google-oauth2/me`, {
      headers: { authorization: `Bearer ${upstream.accessToken}` },
    });
    expect(me.status).toBe(200);
  });

  it('says why when the user has not connected the account', async () => {
    const accessToken = await tenantAccessToken(tenant, { user: BOB });
    const error = await client()
      .getAccessTokenForConnection({ connection: 'google-oauth2', accessToken })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccessTokenForConnectionError);
    expect(error).toMatchObject({
      code: 'api_error',
      tenantError: 'invalid_grant',
    });
  });

  it('needs client credentials, a connection and an access token', async () => {
    const noCredentials = new ApiClient({ domain: tenant.domain, audience: AUDIENCE });
    await expect(
      noCredentials.getAccessTokenForConnection({ connection: 'google-oauth2', accessToken: 'a' }),
    ).rejects.toBeInstanceOf(ConfigurationError);
    await expect(
      client().getAccessTokenForConnection({ connection: '', accessToken: 'a' }),
    ).rejects.toBeInstanceOf(MissingRequiredArgumentError);
    await expect(
      client().getAccessTokenForConnection({ connection: 'google-oauth2', accessToken: '' }),
    ).rejects.toMatchObject({ argument: 'accessToken' });
  });
});
