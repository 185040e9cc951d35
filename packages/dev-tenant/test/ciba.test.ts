/**
 * CIBA (poll mode), as Auth0's: `/bc-authorize`, the user's answer on the `/ciba` page (or the
 * test kit), and the token endpoint's polling answers.
 */
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_CLIENTS,
  DEFAULT_USERS,
  DEMO_CLIENT_SECRET,
  type DevTenant,
  startDevTenant,
} from '../src/index.js';
import {
  approveBackchannel,
  BrowserClient,
  denyBackchannel,
  listBackchannelRequests,
  parseForms,
} from '../src/testing/index.js';
import { CALLBACK, tokenRequest } from './helpers.js';

const CIBA_GRANT = 'urn:openid:params:grant-type:ciba';
const OTHER = { id: 'other-app', secret: 'other-app-secret-other-app-secret' };
const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

let tenant: DevTenant;
beforeAll(async () => {
  tenant = await startDevTenant({
    config: {
      clients: [
        DEFAULT_CLIENTS[0]!,
        { clientId: OTHER.id, clientSecret: OTHER.secret, redirectUris: [CALLBACK] },
      ],
      users: [
        ...DEFAULT_USERS,
        { email: 'eve@example.com', password: 'eve-password', name: 'Eve <script>x()</script>' },
      ],
      ciba: { interval: 1 },
    },
  });
});
afterAll(() => tenant.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const hint = (sub: string, iss = tenant.issuer) => JSON.stringify({ format: 'iss_sub', iss, sub });

/** `POST /bc-authorize` as the demo client (or `client`). */
async function bcAuthorize(
  params: Record<string, string>,
  client = { id: 'demo-web', secret: DEMO_CLIENT_SECRET },
) {
  const response = await fetch(new URL('/bc-authorize', tenant.url), {
    method: 'POST',
    headers: {
      authorization: basic(client.id, client.secret),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      scope: 'openid profile email offline_access',
      login_hint: hint('auth0|alice'),
      binding_message: 'Order 42: pay 10 EUR',
      ...params,
    }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function started(params: Record<string, string> = {}): Promise<string> {
  const { status, body } = await bcAuthorize(params);
  expect(status).toBe(200);
  return body.auth_req_id as string;
}

/** One poll as the demo client, with the headers of the answer. */
async function poll(authReqId: string, client = { id: 'demo-web', secret: DEMO_CLIENT_SECRET }) {
  const response = await fetch(new URL('/oauth/token', tenant.url), {
    method: 'POST',
    headers: {
      authorization: basic(client.id, client.secret),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: CIBA_GRANT, auth_req_id: authReqId }),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as Record<string, string>,
  };
}

describe('CIBA', () => {
  it('is in discovery at Auth0s path, poll mode', async () => {
    const discovery = await (
      await fetch(new URL('/.well-known/openid-configuration', tenant.url))
    ).json();
    expect(discovery.backchannel_authentication_endpoint).toBe(`${tenant.issuer}bc-authorize`);
    expect(discovery.backchannel_token_delivery_modes_supported).toEqual(['poll']);
    expect(discovery.grant_types_supported).toContain(CIBA_GRANT);
    expect(discovery.backchannel_user_code_parameter_supported).toBeUndefined();
  });

  it('gives tokens once the user approves, and only once', async () => {
    const { status, body } = await bcAuthorize({ audience: 'https://api.example.com' });
    expect(status).toBe(200);
    expect(body).toEqual({ auth_req_id: expect.any(String), expires_in: 300, interval: 1 });
    const authReqId = body.auth_req_id as string;
    const waiting = await listBackchannelRequests({ tenantUrl: tenant.url, sub: 'auth0|alice' });
    expect(waiting).toContainEqual({
      authReqId,
      sub: 'auth0|alice',
      clientId: 'demo-web',
      bindingMessage: 'Order 42: pay 10 EUR',
      expiresAt: expect.any(Number),
    });
    await sleep(1000);
    expect((await poll(authReqId)).body.error).toBe('authorization_pending');
    await approveBackchannel({ tenantUrl: tenant.url, authReqId });
    await sleep(1000);
    const tokens = await poll(authReqId);
    expect(tokens.status).toBe(200);
    expect(tokens.body).toMatchObject({
      token_type: 'Bearer',
      expires_in: expect.any(Number),
      refresh_token: expect.any(String),
    });
    expect(tokens.body.scope?.split(' ')).toEqual(
      expect.arrayContaining(['openid', 'profile', 'email', 'offline_access']),
    );
    const jwks = createRemoteJWKSet(new URL('/.well-known/jwks.json', tenant.url));
    const { payload } = await jwtVerify(tokens.body.id_token ?? '', jwks, {
      issuer: tenant.issuer,
      audience: 'demo-web',
    });
    expect(payload).toMatchObject({ sub: 'auth0|alice', auth_time: expect.any(Number) });
    expect(payload.nonce).toBeUndefined();
    expect(decodeJwt(tokens.body.access_token ?? '')).toMatchObject({
      aud: 'https://api.example.com',
      sub: 'auth0|alice',
    });
    // Its refresh token works as any other's.
    const refreshed = await tokenRequest(tenant, {
      grant_type: 'refresh_token',
      refresh_token: tokens.body.refresh_token ?? '',
    });
    expect(refreshed.status).toBe(200);

    await sleep(1000);
    expect(await poll(authReqId)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('answers access_denied after the user denies', async () => {
    const authReqId = await started();
    await denyBackchannel({ tenantUrl: tenant.url, authReqId });
    await sleep(1000);
    expect(await poll(authReqId)).toMatchObject({ status: 400, body: { error: 'access_denied' } });
  });

  it('answers expired_token once requested_expiry has passed', async () => {
    const { body } = await bcAuthorize({ requested_expiry: '1' });
    expect(body.expires_in).toBe(1);
    await sleep(1100);
    expect(await poll(body.auth_req_id as string)).toMatchObject({
      status: 400,
      body: { error: 'expired_token' },
    });
    await expect(
      approveBackchannel({ tenantUrl: tenant.url, authReqId: body.auth_req_id as string }),
    ).rejects.toThrow(/not waiting/);
  });

  it('answers 429 slow_down with Retry-After to a client polling faster than interval', async () => {
    const authReqId = await started();
    const fast = await poll(authReqId);
    expect(fast).toMatchObject({
      status: 429,
      retryAfter: '1',
      body: {
        error: 'slow_down',
        error_description: 'You are polling faster than allowed. Try again in 1 seconds.',
      },
    });
    await sleep(1000);
    expect((await poll(authReqId)).body.error).toBe('authorization_pending');
    expect((await poll(authReqId)).status).toBe(429);
  });

  it('refuses an unknown auth_req_id and one of another client', async () => {
    expect(await poll('nope')).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const authReqId = await started();
    await approveBackchannel({ tenantUrl: tenant.url, authReqId });
    await sleep(1000);
    expect(await poll(authReqId, OTHER)).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });
    // The request stays the demo client's.
    expect((await poll(authReqId)).status).toBe(200);
  });

  it.each([
    ['an unknown user', () => ({ login_hint: hint('auth0|nobody') }), 400, 'unknown_user_id'],
    ['no openid scope', { scope: 'profile' }, 400, 'invalid_scope'],
    ['a login_hint that is not JSON', { login_hint: 'auth0|alice' }, 400, 'invalid_request'],
    [
      'another issuer in login_hint',
      () => ({ login_hint: hint('auth0|alice', 'https://evil/') }),
      400,
      'invalid_request',
    ],
    ['no binding_message', { binding_message: '' }, 400, 'invalid_request'],
    ['a binding_message with markup', { binding_message: '<b>hi</b>' }, 400, 'invalid_request'],
    [
      'a binding_message of 65 characters',
      { binding_message: 'a'.repeat(65) },
      400,
      'invalid_request',
    ],
    ['requested_expiry 0', { requested_expiry: '0' }, 400, 'invalid_request'],
    ['requested_expiry past the maximum', { requested_expiry: '301' }, 400, 'invalid_request'],
    ['requested_expiry not a number', { requested_expiry: '2s' }, 400, 'invalid_request'],
  ])('refuses %s', async (_case, params, status, error) => {
    // Some parameters name the tenant's issuer, known once it has started.
    const answer = await bcAuthorize(typeof params === 'function' ? params() : params);
    expect(answer).toMatchObject({
      status,
      body: { error, error_description: expect.any(String) },
    });
  });

  it('refuses a client that does not authenticate', async () => {
    const answer = await bcAuthorize({}, { id: 'demo-web', secret: 'wrong' });
    expect(answer).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });

  it('takes client_secret_post', async () => {
    const response = await fetch(new URL('/bc-authorize', tenant.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: 'demo-web',
        client_secret: DEMO_CLIENT_SECRET,
        scope: 'openid',
        login_hint: JSON.stringify(
          { format: 'iss_sub', iss: tenant.issuer, sub: 'auth0|bob' },
          null,
          1,
        ),
        binding_message: 'ok',
      }),
    });
    expect(response.status).toBe(200);
  });

  it('lists a request on the /ciba page, escaped, and its buttons answer it', async () => {
    const authReqId = await started({
      binding_message: 'Pay #1: 5 + tax',
      login_hint: hint('auth0|eve'),
    });
    // A binding message with markup is refused at /bc-authorize; what else the page shows of the
    // request (here a user's name) is escaped.
    const browser = new BrowserClient();
    const list = await browser.navigate(new URL('/ciba', tenant.url));
    expect(list.body).toContain('Pay #1: 5 + tax');
    expect(list.body).toContain('Eve &lt;script&gt;x()&lt;/script&gt; (auth0|eve)');
    expect(list.body).not.toContain('<script>x()');
    const forms = parseForms(list.body, list.url).filter((form) =>
      form.action.pathname.includes(authReqId),
    );
    expect(forms.map((form) => [form.method, form.action.pathname])).toEqual([
      ['POST', `/ciba/${authReqId}/approve`],
      ['POST', `/ciba/${authReqId}/deny`],
    ]);
    const one = await browser.navigate(new URL(`/ciba/${authReqId}`, tenant.url));
    expect(one.body).toContain('seconds left');

    const approved = await fetch(forms[0]!.action, {
      method: 'POST',
      redirect: 'manual',
    });
    expect(approved.status).toBe(303);
    expect(approved.headers.get('location')).toBe('/ciba');
    await sleep(1000);
    expect((await poll(authReqId)).status).toBe(200);
    const again = await fetch(forms[1]!.action, { method: 'POST' });
    expect(again.status).toBe(404);
  });
});
