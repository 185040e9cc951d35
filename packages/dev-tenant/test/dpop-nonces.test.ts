/**
 * `dpopNonces: true` (RFC 9449 §8, §9): a proof without the tenant's current nonce is answered
 * `use_dpop_nonce` with the nonce in `DPoP-Nonce`, at the token endpoint (its own grants and
 * oidc-provider's alike, one nonce for all) and at the My Account API; a retry with it works.
 */
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevTenant, startDevTenant, TOKEN_EXCHANGE_GRANT } from '../src/index.js';
import { DpopKey } from '../src/testing/index.js';
import { loginTokens, tokenRequest } from './helpers.js';

const ORDERS_API = 'https://api.example.com';

let tenant: DevTenant;
let tokenUrl: string;
beforeAll(async () => {
  tenant = await startDevTenant({ config: { dpopNonces: true } });
  tokenUrl = `${tenant.url}/oauth/token`;
});
afterAll(() => tenant.close());

/** A token request with a proof of `key`, carrying `nonce` when given. */
const withProof = (params: Record<string, string>, key: DpopKey, nonce?: string) =>
  tokenRequest(tenant, params, { dpop: key.proof({ htm: 'POST', htu: tokenUrl, nonce }) });

describe('DPoP nonces at the token endpoint', () => {
  it('asks for a nonce at client credentials, then takes the one it gave', async () => {
    const key = new DpopKey();
    const params = { grant_type: 'client_credentials', audience: ORDERS_API };
    const first = await withProof(params, key);
    expect(first.status).toBe(400);
    expect(first.body.error).toBe('use_dpop_nonce');
    const nonce = first.headers.get('dpop-nonce');
    expect(nonce).toEqual(expect.any(String));

    const retried = await withProof(params, key, nonce ?? '');
    expect(retried.status).toBe(200);
    expect(retried.body.token_type).toBe('DPoP');
    expect(decodeJwt(retried.body.access_token ?? '').cnf).toEqual({ jkt: key.thumbprint });

    const forged = await withProof(params, key, 'not-a-nonce-of-this-tenant');
    expect(forged.body.error).toBe('use_dpop_nonce');
  });

  it("asks for one at the tenant's own grants too, and the same nonce works there", async () => {
    const login = await loginTokens(tenant, { audience: ORDERS_API });
    const key = new DpopKey();
    const exchange = {
      grant_type: TOKEN_EXCHANGE_GRANT,
      subject_token: login.access_token ?? '',
      subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      audience: ORDERS_API,
    };
    const first = await withProof(exchange, key);
    expect(first).toMatchObject({ status: 400, body: { error: 'use_dpop_nonce' } });
    const nonce = first.headers.get('dpop-nonce') ?? '';
    expect(nonce).not.toBe('');
    const retried = await withProof(exchange, key, nonce);
    expect(retried.status).toBe(200);
    expect(retried.body.token_type).toBe('DPoP');

    // One nonce for every grant: the one a custom grant gave works at oidc-provider's.
    const machine = await withProof(
      { grant_type: 'client_credentials', audience: ORDERS_API },
      key,
      nonce,
    );
    expect(machine.status).toBe(200);
  });
});

describe('DPoP nonces at the My Account API', () => {
  it('answers 401 use_dpop_nonce with the nonce, and takes the retry', async () => {
    const key = new DpopKey();
    const login = await loginTokens(tenant, { scope: 'openid offline_access' });
    const refresh = {
      grant_type: 'refresh_token',
      refresh_token: login.refresh_token ?? '',
      audience: `${tenant.issuer}me/`,
      scope: 'read:me:connected_accounts',
    };
    const asked = await withProof(refresh, key);
    const issued = await withProof(refresh, key, asked.headers.get('dpop-nonce') ?? '');
    expect(issued.body.token_type).toBe('DPoP');
    const token = issued.body.access_token ?? '';

    const url = `${tenant.url}/me/v1/connected-accounts/accounts`;
    const call = (nonce?: string) =>
      fetch(url, {
        headers: {
          authorization: `DPoP ${token}`,
          dpop: key.proof({ htm: 'GET', htu: url, accessToken: token, nonce }),
        },
      });
    const first = await call();
    expect(first.status).toBe(401);
    expect(first.headers.get('www-authenticate')).toMatch(/^DPoP error="use_dpop_nonce"/);
    const nonce = first.headers.get('dpop-nonce');
    expect(nonce).toEqual(expect.any(String));
    const retried = await call(nonce ?? '');
    expect(retried.status).toBe(200);
  });
});
