/**
 * DPoP at the token endpoint (RFC 9449): every grant binds the access token of a request with a
 * proof (`token_type: DPoP`, `cnf.jkt`), an API with `dpop: 'required'` gets no token without one,
 * and a bound login's refresh token needs a proof of the same key.
 */
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_APIS,
  type DevTenant,
  startDevTenant,
  TOKEN_EXCHANGE_GRANT,
} from '../src/index.js';
import { DpopKey, readOutbox } from '../src/testing/index.js';
import { authorize, CALLBACK, loginTokens, tokenRequest } from './helpers.js';
import {
  challenge,
  mfaTenantConfig,
  OOB_GRANT,
  ORDERS_API,
  user,
  VAULT_API,
} from './mfa-helpers.js';

/** An API whose tokens must be DPoP-bound. */
const LEDGER_API = 'https://ledger.example.com';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const DPOP_REQUIRED = {
  error: 'invalid_request',
  error_description: 'DPoP proof is required for this API',
};

let tenant: DevTenant;
let tokenUrl: string;
beforeAll(async () => {
  tenant = await startDevTenant({
    config: mfaTenantConfig({
      apis: [
        ...DEFAULT_APIS,
        { identifier: LEDGER_API, scopes: 'read:ledger', dpop: 'required' },
        { identifier: VAULT_API, scopes: 'read:secrets', requireMfa: true, dpop: 'required' },
      ],
    }),
  });
  tokenUrl = `${tenant.url}/oauth/token`;
});
afterAll(() => tenant.close());

/** A token request with a fresh proof of `key` (or none). */
const tokens = (params: Record<string, string>, key?: DpopKey) =>
  tokenRequest(tenant, params, key ? { dpop: key.proof({ htm: 'POST', htu: tokenUrl }) } : {});

const claimsOf = (accessToken: string | undefined) => decodeJwt(accessToken ?? '');

describe('authorization code and refresh for an API that requires DPoP', () => {
  it('refuses the code without a proof, binds the tokens with one, and refreshes with that key only', async () => {
    const key = new DpopKey();
    const { code, verifier } = await authorize(tenant, {
      audience: LEDGER_API,
      scope: 'openid offline_access read:ledger',
    });
    const exchange = {
      grant_type: 'authorization_code',
      code: code ?? '',
      redirect_uri: CALLBACK,
      code_verifier: verifier,
    };
    expect(await tokens(exchange)).toMatchObject({ status: 400, body: DPOP_REQUIRED });

    // The refused request did not spend the code.
    const login = await tokens(exchange, key);
    expect(login.status).toBe(200);
    expect(login.body.token_type).toBe('DPoP');
    expect(claimsOf(login.body.access_token)).toMatchObject({
      aud: LEDGER_API,
      cnf: { jkt: key.thumbprint },
    });

    const refresh = { grant_type: 'refresh_token', refresh_token: login.body.refresh_token ?? '' };
    expect(await tokens(refresh)).toMatchObject({ status: 400, body: DPOP_REQUIRED });
    const stolen = await tokens(refresh, new DpopKey());
    expect(stolen.status).toBe(400);
    expect(stolen.body.error).toBe('invalid_grant');

    const refreshed = await tokens(refresh, key);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.token_type).toBe('DPoP');
    expect(claimsOf(refreshed.body.access_token)).toMatchObject({
      aud: LEDGER_API,
      cnf: { jkt: key.thumbprint },
    });
  });

  it('refuses a proof for another URL, or signed for another method', async () => {
    const { code, verifier } = await authorize(tenant, { audience: LEDGER_API });
    const exchange = {
      grant_type: 'authorization_code',
      code: code ?? '',
      redirect_uri: CALLBACK,
      code_verifier: verifier,
    };
    const key = new DpopKey();
    for (const proof of [
      key.proof({ htm: 'POST', htu: `${tenant.url}/oauth/par` }),
      key.proof({ htm: 'GET', htu: tokenUrl }),
    ]) {
      const answer = await tokenRequest(tenant, exchange, { dpop: proof });
      expect(answer.status).toBe(400);
      expect(answer.body.error).toBe('invalid_dpop_proof');
    }
  });
});

describe('APIs that allow DPoP', () => {
  it('bind a login made with a proof, whose refresh token then needs that key', async () => {
    const key = new DpopKey();
    const { code, verifier } = await authorize(tenant, { audience: ORDERS_API });
    const login = await tokens(
      {
        grant_type: 'authorization_code',
        code: code ?? '',
        redirect_uri: CALLBACK,
        code_verifier: verifier,
      },
      key,
    );
    expect(login.body.token_type).toBe('DPoP');
    const refresh = { grant_type: 'refresh_token', refresh_token: login.body.refresh_token ?? '' };
    expect((await tokens(refresh)).body.error).toBe('invalid_grant');
    expect((await tokens(refresh, new DpopKey())).body.error).toBe('invalid_grant');
    expect(claimsOf((await tokens(refresh, key)).body.access_token).cnf).toEqual({
      jkt: key.thumbprint,
    });
  });

  it('keep giving Bearer tokens to a login without a proof', async () => {
    const login = await loginTokens(tenant, { audience: ORDERS_API });
    expect(login.token_type).toBe('Bearer');
    const refreshed = await tokens({
      grant_type: 'refresh_token',
      refresh_token: login.refresh_token ?? '',
    });
    expect(refreshed.body.token_type).toBe('Bearer');
    expect(claimsOf(refreshed.body.access_token).cnf).toBeUndefined();
  });
});

describe('client credentials', () => {
  it('are unchanged for an API that allows DPoP: Bearer without a proof, bound with one', async () => {
    const plain = await tokens({ grant_type: 'client_credentials', audience: ORDERS_API });
    expect(plain.body.token_type).toBe('Bearer');
    expect(claimsOf(plain.body.access_token).cnf).toBeUndefined();
    const key = new DpopKey();
    const bound = await tokens({ grant_type: 'client_credentials', audience: ORDERS_API }, key);
    expect(bound.body.token_type).toBe('DPoP');
    expect(claimsOf(bound.body.access_token).cnf).toEqual({ jkt: key.thumbprint });
  });

  it('need a proof for an API that requires DPoP', async () => {
    const params = { grant_type: 'client_credentials', audience: LEDGER_API };
    expect(await tokens(params)).toMatchObject({ status: 400, body: DPOP_REQUIRED });
    expect((await tokens(params, new DpopKey())).body.token_type).toBe('DPoP');
  });
});

describe("the tenant's own grants", () => {
  it('token exchange binds its token to the proof, and needs one for an API that requires it', async () => {
    const login = await loginTokens(tenant, { audience: ORDERS_API });
    const exchange = {
      grant_type: TOKEN_EXCHANGE_GRANT,
      subject_token: login.access_token ?? '',
      subject_token_type: ACCESS_TOKEN_TYPE,
      audience: LEDGER_API,
      scope: 'read:ledger',
    };
    expect(await tokens(exchange)).toMatchObject({ status: 400, body: DPOP_REQUIRED });
    const key = new DpopKey();
    const exchanged = await tokens(exchange, key);
    expect(exchanged.status).toBe(200);
    expect(exchanged.body).toMatchObject({
      token_type: 'DPoP',
      issued_token_type: ACCESS_TOKEN_TYPE,
    });
    expect(claimsOf(exchanged.body.access_token)).toMatchObject({
      sub: 'auth0|alice',
      aud: LEDGER_API,
      cnf: { jkt: key.thumbprint },
    });
  });

  it('token exchange refuses a replayed proof and a proof for another URL', async () => {
    const login = await loginTokens(tenant, { audience: ORDERS_API });
    const exchange = {
      grant_type: TOKEN_EXCHANGE_GRANT,
      subject_token: login.access_token ?? '',
      subject_token_type: ACCESS_TOKEN_TYPE,
      audience: ORDERS_API,
    };
    const key = new DpopKey();
    const proof = key.proof({ htm: 'POST', htu: tokenUrl });
    expect((await tokenRequest(tenant, exchange, { dpop: proof })).status).toBe(200);
    const replayed = await tokenRequest(tenant, exchange, { dpop: proof });
    expect(replayed).toMatchObject({ status: 400, body: { error: 'invalid_dpop_proof' } });
    const elsewhere = key.proof({ htm: 'POST', htu: `${tenant.url}/oauth/revoke` });
    const wrongUrl = await tokenRequest(tenant, exchange, { dpop: elsewhere });
    expect(wrongUrl).toMatchObject({ status: 400, body: { error: 'invalid_dpop_proof' } });
  });

  it('an MFA grant needs a proof for an API that requires DPoP, spending no code without one', async () => {
    const who = user('dave');
    const login = await loginTokens(tenant, { audience: ORDERS_API }, who);
    const key = new DpopKey();
    const needsMfa = await tokens(
      {
        grant_type: 'refresh_token',
        refresh_token: login.refresh_token ?? '',
        audience: VAULT_API,
        scope: 'openid offline_access read:secrets',
      },
      key,
    );
    expect(needsMfa.status).toBe(403);
    const mfaToken = needsMfa.body.mfa_token ?? '';
    const challenged = await challenge(tenant, mfaToken, { challenge_type: 'oob' });
    const [message] = (await readOutbox({ tenantUrl: tenant.url, to: who.email })).slice(-1);
    const grant = {
      grant_type: OOB_GRANT,
      mfa_token: mfaToken,
      oob_code: challenged.body.oob_code,
      binding_code: message?.code ?? '',
    };
    expect(await tokens(grant)).toMatchObject({ status: 400, body: DPOP_REQUIRED });

    const verified = await tokens(grant, key);
    expect(verified.status).toBe(200);
    expect(verified.body.token_type).toBe('DPoP');
    expect(claimsOf(verified.body.access_token)).toMatchObject({
      aud: VAULT_API,
      cnf: { jkt: key.thumbprint },
    });
    // The refresh token it gives is bound too.
    const refresh = {
      grant_type: 'refresh_token',
      refresh_token: verified.body.refresh_token ?? '',
    };
    expect((await tokens(refresh, new DpopKey())).body.error).toBe('invalid_grant');
    expect((await tokens(refresh, key)).body.token_type).toBe('DPoP');
  });
});
