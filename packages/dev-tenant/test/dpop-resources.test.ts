/**
 * DPoP at the My Account API (`myAccountApi.dpop`) and the Token Vault exchange (`tokenVault.dpop`):
 * bound tokens with their proofs, unbound ones as Bearer where allowed, never a bound one as Bearer.
 */
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DevTenant,
  type DevTenantConfig,
  FEDERATED_TOKEN_TYPE,
  startDevTenant,
  TOKEN_VAULT_GRANT,
} from '../src/index.js';
import { DpopKey } from '../src/testing/index.js';
import { loginTokens, tokenRequest } from './helpers.js';

const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const REFRESH_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:refresh_token';

const users: DevTenantConfig['users'] = [
  {
    email: 'alice@example.com',
    password: 'alice-password',
    connectedAccounts: [{ connection: 'google-oauth2' }],
  },
];

let allowing: DevTenant;
let requiring: DevTenant;
beforeAll(async () => {
  [allowing, requiring] = await Promise.all([
    startDevTenant({ config: { users } }),
    startDevTenant({
      config: { users, myAccountApi: { dpop: 'required' }, tokenVault: { dpop: 'required' } },
    }),
  ]);
});
afterAll(() => Promise.all([allowing.close(), requiring.close()]));

const proofHeader = (tenant: DevTenant, key: DpopKey) => ({
  dpop: key.proof({ htm: 'POST', htu: `${tenant.url}/oauth/token` }),
});

/** A My Account API token of Alice's, bound to `key` when given. */
async function myAccountToken(tenant: DevTenant, key?: DpopKey) {
  const login = await loginTokens(tenant, { scope: 'openid offline_access' });
  return tokenRequest(
    tenant,
    {
      grant_type: 'refresh_token',
      refresh_token: login.refresh_token ?? '',
      audience: `${tenant.issuer}me/`,
      scope: 'read:me:connected_accounts',
    },
    key ? proofHeader(tenant, key) : {},
  );
}

const accountsUrl = (tenant: DevTenant) => `${tenant.url}/me/v1/connected-accounts/accounts`;

/** `GET /me/v1/connected-accounts/accounts` with these headers. */
const listAccounts = (tenant: DevTenant, headers: Record<string, string>) =>
  fetch(accountsUrl(tenant), { headers });

describe('the My Account API, DPoP allowed', () => {
  it('takes a bound token with its proof, and refuses it as Bearer', async () => {
    const key = new DpopKey();
    const issued = await myAccountToken(allowing, key);
    expect(issued.body.token_type).toBe('DPoP');
    const token = issued.body.access_token ?? '';
    expect(decodeJwt(token).cnf).toEqual({ jkt: key.thumbprint });

    const proof = key.proof({ htm: 'GET', htu: accountsUrl(allowing), accessToken: token });
    const ok = await listAccounts(allowing, { authorization: `DPoP ${token}`, dpop: proof });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ accounts: [{ connection: 'google-oauth2' }] });

    const downgraded = await listAccounts(allowing, { authorization: `Bearer ${token}` });
    expect(downgraded.status).toBe(401);
    expect(downgraded.headers.get('www-authenticate')).toMatch(/^DPoP error="invalid_token"/);
    expect(await downgraded.json()).toMatchObject({ status: 401, title: 'Unauthorized' });
  });

  it('refuses a proof replayed, of another key, without ath, or for another URL', async () => {
    const key = new DpopKey();
    const token = (await myAccountToken(allowing, key)).body.access_token ?? '';
    const url = accountsUrl(allowing);
    const used = key.proof({ htm: 'GET', htu: url, accessToken: token });
    expect(
      (await listAccounts(allowing, { authorization: `DPoP ${token}`, dpop: used })).status,
    ).toBe(200);
    const proofs = {
      replayed: used,
      'of another key': new DpopKey().proof({ htm: 'GET', htu: url, accessToken: token }),
      'without ath': key.proof({ htm: 'GET', htu: url }),
      'for another URL': key.proof({
        htm: 'GET',
        htu: `${allowing.url}/me/v1/connected-accounts/connections`,
        accessToken: token,
      }),
    };
    for (const [what, proof] of Object.entries(proofs)) {
      const refused = await listAccounts(allowing, { authorization: `DPoP ${token}`, dpop: proof });
      expect(refused.status, what).toBe(401);
      expect(refused.headers.get('www-authenticate'), what).toMatch(
        /^DPoP error="invalid_dpop_proof"/,
      );
    }
  });

  it('takes an unbound token as Bearer, and not with the DPoP scheme', async () => {
    const token = (await myAccountToken(allowing)).body.access_token ?? '';
    expect((await listAccounts(allowing, { authorization: `Bearer ${token}` })).status).toBe(200);
    const key = new DpopKey();
    const proof = key.proof({ htm: 'GET', htu: accountsUrl(allowing), accessToken: token });
    const refused = await listAccounts(allowing, { authorization: `DPoP ${token}`, dpop: proof });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^DPoP error="invalid_token"/);
  });
});

describe('the My Account API, DPoP required', () => {
  it('gives no token for its audience without a proof, and takes bound ones', async () => {
    expect(await myAccountToken(requiring)).toMatchObject({
      status: 400,
      body: { error: 'invalid_request', error_description: 'DPoP proof is required for this API' },
    });
    const key = new DpopKey();
    const token = (await myAccountToken(requiring, key)).body.access_token ?? '';
    const proof = key.proof({ htm: 'GET', htu: accountsUrl(requiring), accessToken: token });
    const ok = await listAccounts(requiring, { authorization: `DPoP ${token}`, dpop: proof });
    expect(ok.status).toBe(200);
    const missing = await listAccounts(requiring, {});
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^DPoP error="invalid_token"/);
  });
});

const vault = (
  tenant: DevTenant,
  subject: string,
  type: string,
  headers: Record<string, string> = {},
) =>
  tokenRequest(
    tenant,
    {
      grant_type: TOKEN_VAULT_GRANT,
      subject_token: subject,
      subject_token_type: type,
      requested_token_type: FEDERATED_TOKEN_TYPE,
      connection: 'google-oauth2',
    },
    headers,
  );

describe('Token Vault', () => {
  it('needs a proof when required, and still returns the upstream token as Bearer', async () => {
    const login = await loginTokens(requiring);
    const refused = await vault(requiring, login.refresh_token ?? '', REFRESH_TOKEN_TYPE);
    expect(refused).toMatchObject({
      status: 400,
      body: {
        error: 'invalid_request',
        error_description: 'DPoP proof is required for the Token Vault',
      },
    });
    const key = new DpopKey();
    const exchanged = await vault(
      requiring,
      login.refresh_token ?? '',
      REFRESH_TOKEN_TYPE,
      proofHeader(requiring, key),
    );
    expect(exchanged.status).toBe(200);
    expect(exchanged.body).toMatchObject({
      token_type: 'Bearer',
      issued_token_type: FEDERATED_TOKEN_TYPE,
    });
  });

  it('takes a DPoP-bound subject token only with a proof of its key', async () => {
    const key = new DpopKey();
    // An access token of Alice's bound to `key`: a refresh with a proof.
    const login = await loginTokens(allowing, { audience: 'https://api.example.com' });
    const refreshed = await tokenRequest(
      allowing,
      { grant_type: 'refresh_token', refresh_token: login.refresh_token ?? '' },
      proofHeader(allowing, key),
    );
    const subject = refreshed.body.access_token ?? '';
    expect(decodeJwt(subject).cnf).toEqual({ jkt: key.thumbprint });

    expect((await vault(allowing, subject, ACCESS_TOKEN_TYPE)).body.error).toBe('invalid_request');
    const stolen = await vault(
      allowing,
      subject,
      ACCESS_TOKEN_TYPE,
      proofHeader(allowing, new DpopKey()),
    );
    expect(stolen).toMatchObject({ status: 400, body: { error: 'invalid_dpop_proof' } });
    const exchanged = await vault(allowing, subject, ACCESS_TOKEN_TYPE, proofHeader(allowing, key));
    expect(exchanged.status).toBe(200);
    expect(exchanged.body.token_type).toBe('Bearer');
  });
});
