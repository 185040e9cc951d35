import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevTenant, startDevTenant } from '../src/index.js';
import { BrowserClient, parseForms } from '../src/testing/index.js';
import { ALICE, authorize, CALLBACK, loginTokens, tokenRequest } from './helpers.js';

let tenant: DevTenant;
beforeAll(async () => {
  tenant = await startDevTenant();
});
afterAll(() => tenant.close());

describe('discovery', () => {
  it('serves Auth0 paths under an issuer that ends with a slash', async () => {
    const metadata = await (await fetch(`${tenant.url}/.well-known/openid-configuration`)).json();
    expect(metadata.issuer).toBe(`${tenant.url}/`);
    expect(tenant.issuer).toBe(metadata.issuer);
    expect(metadata.authorization_endpoint).toBe(`${tenant.url}/authorize`);
    expect(metadata.token_endpoint).toBe(`${tenant.url}/oauth/token`);
    expect(metadata.userinfo_endpoint).toBe(`${tenant.url}/userinfo`);
    expect(metadata.jwks_uri).toBe(`${tenant.url}/.well-known/jwks.json`);
    expect(metadata.end_session_endpoint).toBe(`${tenant.url}/oidc/logout`);
    expect(metadata.pushed_authorization_request_endpoint).toBe(`${tenant.url}/oauth/par`);
    expect(metadata.code_challenge_methods_supported).toContain('S256');
  });
});

describe('authorization code flow with PKCE', () => {
  it('logs in through the form and issues an ID token that verifies against the JWKS', async () => {
    const { code, verifier, nonce, state, callback } = await authorize(tenant);
    expect(callback.searchParams.get('state')).toBe(state);
    expect(callback.searchParams.get('iss')).toBe(tenant.issuer);
    const tokens = await tokenRequest(tenant, {
      grant_type: 'authorization_code',
      code: code ?? '',
      redirect_uri: CALLBACK,
      code_verifier: verifier,
    });
    expect(tokens.status).toBe(200);
    expect(tokens.body.refresh_token).toEqual(expect.any(String));

    const jwks = createRemoteJWKSet(new URL(`${tenant.url}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(tokens.body.id_token ?? '', jwks, {
      issuer: tenant.issuer,
      audience: 'demo-web',
    });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({
      sub: 'auth0|alice',
      nonce,
      email: 'alice@example.com',
      name: 'Alice',
      sid: expect.any(String),
    });

    // Without an audience the access token is good for /userinfo only, as Auth0's is.
    const userinfo = await fetch(`${tenant.url}/userinfo`, {
      headers: { authorization: `Bearer ${tokens.body.access_token}` },
    });
    expect(await userinfo.json()).toMatchObject({ sub: 'auth0|alice', email: 'alice@example.com' });
  });

  it('refuses a code exchange with the wrong PKCE verifier', async () => {
    const { code } = await authorize(tenant);
    const tokens = await tokenRequest(tenant, {
      grant_type: 'authorization_code',
      code: code ?? '',
      redirect_uri: CALLBACK,
      code_verifier: 'not-the-verifier-not-the-verifier-not-the-verifier',
    });
    expect(tokens.status).toBe(400);
    expect(tokens.body.error).toBe('invalid_grant');
  });

  it('shows the form again with an error after a wrong password', async () => {
    const browser = new BrowserClient();
    const url = new URL('/authorize', tenant.url);
    url.search = new URLSearchParams({
      client_id: 'demo-web',
      response_type: 'code',
      redirect_uri: CALLBACK,
      scope: 'openid',
    }).toString();
    const page = await browser.navigate(url);
    const [form] = parseForms(page.body, page.url);
    const retry = await browser.submit(form!, { username: ALICE.email, password: 'wrong' });
    expect(retry.response.status).toBe(401);
    expect(retry.body).toContain('Wrong email or password');
    expect(parseForms(retry.body, retry.url)[0]?.fields.has('password')).toBe(true);
  });

  it('skips the form while the tenant session lasts, unless prompt=login', async () => {
    const first = await authorize(tenant);
    const again = await authorize(tenant, {}, first.browser, { email: 'x', password: 'x' });
    expect(again.code).toEqual(expect.any(String));
    const forced = await first.browser.navigate(
      `${tenant.url}/authorize?${new URLSearchParams({
        client_id: 'demo-web',
        response_type: 'code',
        redirect_uri: CALLBACK,
        scope: 'openid',
        prompt: 'login',
      })}`,
    );
    expect(parseForms(forced.body, forced.url)[0]?.fields.has('password')).toBe(true);
  });

  it('works with a pushed authorization request', async () => {
    const response = await fetch(`${tenant.url}/oauth/par`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: 'demo-web',
        client_secret: tenant.config.clients[0]?.clientSecret ?? '',
        response_type: 'code',
        redirect_uri: CALLBACK,
        scope: 'openid offline_access',
        audience: 'https://api.example.com',
      }),
    });
    expect(response.status).toBe(201);
    const { request_uri } = await response.json();
    const { code } = await authorize(tenant, { request_uri });
    expect(code).toEqual(expect.any(String));
  });
});

describe('access tokens for APIs', () => {
  it('issues a JWT access token for the audience asked at /authorize', async () => {
    const tokens = await loginTokens(tenant, {
      audience: 'https://api.example.com',
      scope: 'openid profile offline_access read:orders',
    });
    const header = decodeProtectedHeader(tokens.access_token ?? '');
    expect(header.typ).toBe('at+jwt');
    const jwks = createRemoteJWKSet(new URL(`${tenant.url}/.well-known/jwks.json`));
    const { payload } = await jwtVerify(tokens.access_token ?? '', jwks, {
      issuer: tenant.issuer,
      audience: 'https://api.example.com',
    });
    expect(payload).toMatchObject({
      sub: 'auth0|alice',
      scope: 'read:orders',
      client_id: 'demo-web',
      azp: 'demo-web',
      jti: expect.any(String),
    });
    expect(tokens.scope).toContain('read:orders');
  });

  it('refreshes into two audiences with a multi-resource refresh token', async () => {
    const tokens = await loginTokens(tenant, {
      audience: 'https://api.example.com',
      scope: 'openid profile offline_access read:orders',
    });
    const orders = await tokenRequest(tenant, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token ?? '',
      audience: 'https://api.example.com',
      scope: 'openid read:orders write:orders',
    });
    expect(orders.status).toBe(200);
    expect(decodeJwt(orders.body.access_token ?? '')).toMatchObject({
      aud: 'https://api.example.com',
      scope: 'read:orders write:orders',
    });

    const analytics = await tokenRequest(tenant, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token ?? '',
      audience: 'https://analytics.example.com',
      scope: 'openid read:analytics',
    });
    expect(analytics.status).toBe(200);
    expect(decodeJwt(analytics.body.access_token ?? '')).toMatchObject({
      aud: 'https://analytics.example.com',
      scope: 'read:analytics',
    });

    // Refreshing without an audience still gives a token for the login's audience.
    const plain = await tokenRequest(tenant, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token ?? '',
    });
    expect(decodeJwt(plain.body.access_token ?? '').aud).toBe('https://api.example.com');
  });

  it('falls back to the login audience for an audience outside the refresh-token policies', async () => {
    const tenantWithoutPolicy = await startDevTenant({
      config: {
        clients: [{ ...tenant.config.clients[0]!, refreshTokenPolicies: [] }],
      },
    });
    try {
      const tokens = await loginTokens(tenantWithoutPolicy, {
        audience: 'https://api.example.com',
        scope: 'openid offline_access read:orders',
      });
      const refreshed = await tokenRequest(tenantWithoutPolicy, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token ?? '',
        audience: 'https://analytics.example.com',
        scope: 'openid read:analytics',
      });
      expect(refreshed.status).toBe(200);
      expect(decodeJwt(refreshed.body.access_token ?? '')).toMatchObject({
        aud: 'https://api.example.com',
        scope: 'read:orders',
      });
    } finally {
      await tenantWithoutPolicy.close();
    }
  });

  it('keeps a login without audience on /userinfo tokens after refreshing into an API', async () => {
    const tokens = await loginTokens(tenant);
    const api = await tokenRequest(tenant, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token ?? '',
      audience: 'https://analytics.example.com',
    });
    expect(decodeJwt(api.body.access_token ?? '')).toMatchObject({
      aud: 'https://analytics.example.com',
      scope: 'read:analytics write:analytics',
    });
    const plain = await tokenRequest(tenant, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token ?? '',
    });
    expect(plain.status).toBe(200);
    expect(plain.body.access_token?.split('.')).toHaveLength(1);
  });

  it('rejects an unknown audience at /authorize', async () => {
    const { callback } = await authorize(tenant, { audience: 'https://unknown.example.com' });
    expect(callback.searchParams.get('error')).toBe('invalid_target');
  });
});
