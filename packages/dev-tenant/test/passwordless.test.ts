/**
 * Passwordless login, as Auth0's: `/passwordless/start` sends a code (or a magic link) to the
 * outbox, the passwordless/otp grant (or the link) signs the user in; users are created once.
 */
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CLIENT_SECRET, type DevTenant, startDevTenant } from '../src/index.js';
import { BrowserClient, getUser, readOutbox } from '../src/testing/index.js';
import { CALLBACK, pkce, tokenRequest } from './helpers.js';

const OTP_GRANT = 'http://auth0.com/oauth/grant-type/passwordless/otp';

let tenant: DevTenant;
beforeAll(async () => {
  tenant = await startDevTenant({ config: { passwordless: { maxStartsPerMinute: 3 } } });
});
afterAll(() => tenant.close());

let addresses = 0;
/** A fresh email address per test, so that codes and rate limits do not mix. */
const newEmail = () => `user${++addresses}@example.org`;

/** `POST /passwordless/start` as the demo client, with its secret in the JSON body. */
async function start(body: Record<string, unknown>, on: Pick<DevTenant, 'url'> = tenant) {
  const response = await fetch(new URL('/passwordless/start', on.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: 'demo-web', client_secret: DEMO_CLIENT_SECRET, ...body }),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

/** The code of the last message sent to `to`. */
async function lastCode(to: string, on: Pick<DevTenant, 'url'> = tenant): Promise<string> {
  const message = (await readOutbox({ tenantUrl: on.url, to })).at(-1);
  if (!message) throw new Error(`no message to ${to}`);
  return message.code;
}

const otpGrant = (params: Record<string, string>, on: Pick<DevTenant, 'url'> = tenant) =>
  tokenRequest(on, {
    grant_type: OTP_GRANT,
    scope: 'openid profile email offline_access',
    ...params,
  });

const wrongEmail = 'Wrong email or verification code.';

describe('passwordless start', () => {
  it('sends an email code and answers as Auth0', async () => {
    const email = newEmail();
    const { status, body } = await start({ connection: 'email', email, send: 'code' });
    expect(status).toBe(200);
    expect(body).toEqual({
      _id: expect.stringMatching(/^[0-9a-f]{24}$/),
      email,
      email_verified: false,
    });
    const [message] = await readOutbox({ tenantUrl: tenant.url, to: email });
    expect(message).toMatchObject({ channel: 'email', code: expect.stringMatching(/^\d{6}$/) });
    expect(message?.text).toContain(message?.code);
    expect(message?.link).toBeUndefined();
  });

  it('takes a form body and Basic client authentication', async () => {
    const response = await fetch(new URL('/passwordless/start', tenant.url), {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`demo-web:${DEMO_CLIENT_SECRET}`).toString('base64')}`,
      },
      body: new URLSearchParams({ connection: 'sms', phone_number: '+15550100001' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      _id: expect.stringMatching(/^[0-9a-f]{24}$/),
      phone_number: '+15550100001',
      phone_verified: false,
      request_language: null,
    });
  });

  it.each([
    ['an unknown connection', { connection: 'github', email: 'a@example.org' }, 'bad.connection'],
    ['a malformed email', { connection: 'email', email: 'not-an-email' }, 'bad.email'],
    ['no email', { connection: 'email' }, 'bad.email'],
    [
      'a phone number not in E.164',
      { connection: 'sms', phone_number: '5550100' },
      'bad.phone_number',
    ],
    [
      'an unknown send',
      { connection: 'email', email: 'a@example.org', send: 'pigeon' },
      'bad.send',
    ],
    [
      'a link to a callback the client does not have',
      {
        connection: 'email',
        email: 'a@example.org',
        send: 'link',
        authParams: { redirect_uri: 'https://evil.example/cb' },
      },
      'bad.redirect_uri',
    ],
  ])('refuses %s', async (_case, body, error) => {
    expect(await start(body)).toMatchObject({
      status: 400,
      body: { error, error_description: expect.any(String) },
    });
  });

  it('refuses a client that does not authenticate', async () => {
    const answer = await start({ client_secret: 'wrong', connection: 'email', email: newEmail() });
    expect(answer).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });

  it('answers 429 with Retry-After to a burst of starts for one address', async () => {
    const email = newEmail();
    for (let sent = 0; sent < 3; sent += 1) {
      expect((await start({ connection: 'email', email })).status).toBe(200);
    }
    const refused = await start({ connection: 'email', email });
    expect(refused).toMatchObject({ status: 429, body: { error: 'too_many_requests' } });
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(60);
    // Another address is not limited by it, and the last code sent still works.
    expect((await start({ connection: 'email', email: newEmail() })).status).toBe(200);
    const tokens = await otpGrant({ realm: 'email', username: email, otp: await lastCode(email) });
    expect(tokens.status).toBe(200);
  });
});

describe('passwordless/otp grant', () => {
  it('signs an email user in with the code, creating the user once', async () => {
    const email = newEmail();
    await start({ connection: 'email', email });
    const first = await otpGrant({
      realm: 'email',
      username: email,
      otp: await lastCode(email),
      audience: 'https://api.example.com',
    });
    expect(first.status).toBe(200);
    const jwks = createRemoteJWKSet(new URL('/.well-known/jwks.json', tenant.url));
    const { payload } = await jwtVerify(first.body.id_token ?? '', jwks, {
      issuer: tenant.issuer,
      audience: 'demo-web',
    });
    expect(payload).toMatchObject({
      sub: expect.stringMatching(/^email\|[0-9a-f]{24}$/),
      email,
      email_verified: true,
      name: email,
    });
    expect(payload.amr).toBeUndefined();
    expect(decodeJwt(first.body.access_token ?? '').aud).toBe('https://api.example.com');
    expect(first.body.refresh_token).toEqual(expect.any(String));

    await start({ connection: 'email', email });
    const second = await otpGrant({
      realm: 'email',
      username: email.toUpperCase(),
      otp: await lastCode(email),
    });
    expect(decodeJwt(second.body.id_token ?? '').sub).toBe(payload.sub);
    const user = await getUser({ tenantUrl: tenant.url, sub: payload.sub as string });
    expect(user).toMatchObject({
      email,
      name: email,
      identities: [{ provider: 'email', connection: 'email' }],
    });

    // The refresh token works, as any user's.
    const refreshed = await tokenRequest(tenant, {
      grant_type: 'refresh_token',
      refresh_token: first.body.refresh_token ?? '',
    });
    expect(refreshed.status).toBe(200);
    expect(decodeJwt(refreshed.body.id_token ?? '').sub).toBe(payload.sub);
  });

  it('keeps a passwordless user apart from the password user of the same email', async () => {
    await start({ connection: 'email', email: 'alice@example.com' });
    const tokens = await otpGrant({
      realm: 'email',
      username: 'alice@example.com',
      otp: await lastCode('alice@example.com'),
    });
    expect(decodeJwt(tokens.body.id_token ?? '').sub).toMatch(/^email\|/);
  });

  it('signs an SMS user in with the code', async () => {
    const phone = '+15550100002';
    await start({ connection: 'sms', phone_number: phone });
    const tokens = await otpGrant({ realm: 'sms', username: phone, otp: await lastCode(phone) });
    expect(tokens.status).toBe(200);
    expect(decodeJwt(tokens.body.id_token ?? '')).toMatchObject({
      sub: expect.stringMatching(/^sms\|[0-9a-f]{24}$/),
      phone_number: phone,
      phone_number_verified: true,
      name: phone,
    });
  });

  it('refuses a wrong code, then a used one', async () => {
    const email = newEmail();
    await start({ connection: 'email', email });
    const code = await lastCode(email);
    const wrong = code === '000000' ? '111111' : '000000';
    expect(await otpGrant({ realm: 'email', username: email, otp: wrong })).toMatchObject({
      status: 403,
      body: { error: 'invalid_grant', error_description: wrongEmail },
    });
    expect((await otpGrant({ realm: 'email', username: email, otp: code })).status).toBe(200);
    expect(await otpGrant({ realm: 'email', username: email, otp: code })).toMatchObject({
      status: 403,
      body: { error: 'invalid_grant', error_description: wrongEmail },
    });
  });

  it('refuses a wrong SMS code in its words, and an address that was sent none', async () => {
    expect(await otpGrant({ realm: 'sms', username: '+15550100009', otp: '123456' })).toMatchObject(
      {
        status: 403,
        body: {
          error: 'invalid_grant',
          error_description: 'Wrong phone number or verification code.',
        },
      },
    );
  });

  it('locks a code after maxAttempts wrong tries, the right one included', async () => {
    const email = newEmail();
    await start({ connection: 'email', email });
    const code = await lastCode(email);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let tried = 0; tried < 3; tried += 1) {
      await otpGrant({ realm: 'email', username: email, otp: wrong });
    }
    expect(await otpGrant({ realm: 'email', username: email, otp: code })).toMatchObject({
      status: 403,
      body: {
        error: 'invalid_grant',
        error_description:
          "You've reached the maximum number of attempts. Please try to login again.",
      },
    });
    // A new start replaces the locked code.
    await start({ connection: 'email', email });
    expect(
      (await otpGrant({ realm: 'email', username: email, otp: await lastCode(email) })).status,
    ).toBe(200);
  });

  it('refuses a code of a replaced start', async () => {
    const email = newEmail();
    await start({ connection: 'email', email });
    const first = await lastCode(email);
    await start({ connection: 'email', email });
    const second = await lastCode(email);
    if (first !== second) {
      expect((await otpGrant({ realm: 'email', username: email, otp: first })).status).toBe(403);
    }
    expect((await otpGrant({ realm: 'email', username: email, otp: second })).status).toBe(200);
  });

  it.each(['realm', 'username', 'otp'])('answers 400 invalid_request without %s', async (name) => {
    const params: Record<string, string> = { realm: 'email', username: 'a@example.org', otp: '1' };
    delete params[name];
    expect(await otpGrant(params)).toMatchObject({
      status: 400,
      body: { error: 'invalid_request' },
    });
  });
});

describe('passwordless codes that expire', () => {
  let quick: DevTenant;
  beforeAll(async () => {
    quick = await startDevTenant({ config: { passwordless: { codeLifetime: 1 } } });
  });
  afterAll(() => quick.close());

  it('refuses an expired code', async () => {
    await start({ connection: 'email', email: 'late@example.org' }, quick);
    const code = await lastCode('late@example.org', quick);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(
      await otpGrant({ realm: 'email', username: 'late@example.org', otp: code }, quick),
    ).toMatchObject({
      status: 403,
      body: { error: 'invalid_grant', error_description: 'The verification code has expired.' },
    });
  });
});

describe('magic link', () => {
  /** Starts a link login with a PKCE authorization request of its own, as an SDK does. */
  async function linkFor(email: string, authParams: Record<string, string> = {}) {
    const { verifier, challenge } = pkce();
    const params = {
      redirect_uri: CALLBACK,
      response_type: 'code',
      state: `state-${email}`,
      scope: 'openid profile email offline_access',
      nonce: `nonce-${email}`,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...authParams,
    };
    const answer = await start({ connection: 'email', email, send: 'link', authParams: params });
    expect(answer.status).toBe(200);
    const message = (await readOutbox({ tenantUrl: tenant.url, to: email })).at(-1);
    expect(message?.text).toContain(message?.link);
    return { link: new URL(message?.link ?? ''), verifier, params };
  }

  it('signs the user in at the tenant and completes the code flow at the app', async () => {
    const email = newEmail();
    const { link, verifier, params } = await linkFor(email);
    expect(link.pathname).toBe('/passwordless/verify_redirect');
    expect(link.searchParams.get('verification_code')).toMatch(/^\d{6}$/);
    const browser = new BrowserClient();
    const end = await browser.navigate(link, {
      stopBefore: (next) => next.href.startsWith(CALLBACK),
    });
    const callback = end.history.at(-1) as URL;
    expect(callback.searchParams.get('state')).toBe(params.state);
    const tokens = await tokenRequest(tenant, {
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code') ?? '',
      redirect_uri: CALLBACK,
      code_verifier: verifier,
    });
    expect(tokens.status).toBe(200);
    const claims = decodeJwt(tokens.body.id_token ?? '');
    expect(claims).toMatchObject({
      email,
      nonce: params.nonce,
      sub: expect.stringMatching(/^email\|/),
    });

    // The tenant session is the user's: a second authorization goes through without a login.
    const again = await linkFor(email);
    const second = await browser.navigate(again.link, {
      stopBefore: (next) => next.href.startsWith(CALLBACK),
    });
    expect((second.history.at(-1) as URL).searchParams.get('code')).toEqual(expect.any(String));

    // The link works once.
    const reused = await new BrowserClient().navigate(again.link, {
      stopBefore: (next) => next.href.startsWith(CALLBACK),
    });
    const refused = reused.history.at(-1) as URL;
    expect(refused.searchParams.get('error')).toBe('access_denied');
    expect(refused.searchParams.get('error_description')).toBe(wrongEmail);
    expect(refused.searchParams.get('state')).toBe(again.params.state);

    // The user's tenant session ends as any user's does.
    const ended = await fetch(
      new URL(`/test/users/${encodeURIComponent(claims.sub ?? '')}/logout`, tenant.url),
      { method: 'POST' },
    );
    expect(await ended.json()).toMatchObject({ sessions: 1 });
  });

  it('shows an error page for a link whose redirect_uri is not the client’s', async () => {
    const link = new URL('/passwordless/verify_redirect', tenant.url);
    link.search = new URLSearchParams({
      client_id: 'demo-web',
      connection: 'email',
      email: 'x@example.org',
      verification_code: '123456',
      redirect_uri: 'https://evil.example/cb',
    }).toString();
    const response = await fetch(link, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain(wrongEmail);
  });
});
