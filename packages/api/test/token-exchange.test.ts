/**
 * Token exchange from an API, against the dev tenant: on behalf of the user (the built-in
 * on-behalf-of profile) and with a custom exchange profile.
 */
import { type DevTenant, startDevTenant } from '@gatehouse/dev-tenant';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, actorChain, TokenExchangeError } from '../src/index.js';
import { DEMO_CLIENT, tenantAccessToken } from './support/tenant.js';

const ORDERS = 'https://api.example.com';
const ANALYTICS = 'https://analytics.example.com';

let tenant: DevTenant;
beforeAll(async () => {
  tenant = await startDevTenant({
    config: {
      tokenExchangeProfiles: [
        {
          subjectTokenType: 'urn:acme:legacy-token',
          validate(subjectToken) {
            if (subjectToken !== 'legacy-alice') throw new Error('unknown legacy token');
            return { sub: 'auth0|alice' };
          },
        },
      ],
    },
  });
});
afterAll(() => tenant.close());

/** The orders API, which calls the analytics API on its users' behalf. */
const ordersApi = () => new ApiClient({ domain: tenant.domain, audience: ORDERS, ...DEMO_CLIENT });
const analyticsApi = () => new ApiClient({ domain: tenant.domain, audience: ANALYTICS });

describe('getTokenOnBehalfOf', () => {
  it('gives a token for the downstream API, of the same user, with act naming this API', async () => {
    const orders = ordersApi();
    const incoming = await tenantAccessToken(tenant, { scope: 'openid read:orders' });
    await orders.verifyAccessToken({ accessToken: incoming });
    const exchanged = await orders.getTokenOnBehalfOf({
      accessToken: incoming,
      audience: ANALYTICS,
      scope: 'read:analytics',
    });
    const claims = await analyticsApi().verifyAccessToken({ accessToken: exchanged.accessToken });
    expect(claims.sub).toBe('auth0|alice');
    expect(actorChain(claims)).toEqual([DEMO_CLIENT.clientId]);
    expect(exchanged.expiresAt).toBeGreaterThan(Date.now() / 1000);
  });

  it('refuses a token that is not the tenant’s, with the tenant’s error', async () => {
    const error = await ordersApi()
      .getTokenOnBehalfOf({ accessToken: 'not-a-token', audience: ANALYTICS })
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(TokenExchangeError);
    expect(error).toMatchObject({ code: 'invalid_grant', status: 502 });
  });

  it('needs the API’s client credentials, said at the call', async () => {
    const api = new ApiClient({ domain: tenant.domain, audience: ORDERS });
    await expect(
      api.getTokenOnBehalfOf({ accessToken: 'x', audience: ANALYTICS }),
    ).rejects.toMatchObject({ code: 'configuration_error' });
  });
});

describe('getTokenByExchangeProfile', () => {
  it('exchanges a legacy token the profile accepts, and not one it refuses', async () => {
    const orders = ordersApi();
    const token = await orders.getTokenByExchangeProfile({
      subjectToken: 'legacy-alice',
      subjectTokenType: 'urn:acme:legacy-token',
      audience: ANALYTICS,
    });
    expect((await analyticsApi().verifyAccessToken({ accessToken: token.accessToken })).sub).toBe(
      'auth0|alice',
    );
    await expect(
      orders.getTokenByExchangeProfile({
        subjectToken: 'legacy-mallory',
        subjectTokenType: 'urn:acme:legacy-token',
        audience: ANALYTICS,
      }),
    ).rejects.toMatchObject({ code: 'invalid_grant' });
  });
});
