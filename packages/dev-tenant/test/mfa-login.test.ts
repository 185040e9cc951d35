/**
 * The second factor at login: an authenticator app's code for users who have one, an emailed
 * code (in the outbox) for the others when the request or the organization asks for it, step-up
 * of a signed-in user, and `max_age` / `prompt=login` forcing a fresh login.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_ORGANIZATIONS,
  DEFAULT_USERS,
  type DevTenant,
  MFA_ACR,
  startDevTenant,
} from '../src/index.js';
import {
  BrowserClient,
  LoginFailedError,
  newTotpSecret,
  readOutbox,
  totpCode,
} from '../src/testing/index.js';
import { authorize, BOB, CALLBACK, loginTokens, type TestUser, tokenRequest } from './helpers.js';

const SECRET = newTotpSecret();
const CAROL = { email: 'carol@example.com', password: 'carol-password' };
const now = () => Math.floor(Date.now() / 1000);

/** A code the tenant takes for none of the steps it accepts now. */
function wrongCode(): string {
  const live = [-30_000, 0, 30_000].map((offset) => totpCode(SECRET, Date.now() + offset));
  let code = 0;
  while (live.includes(String(code).padStart(6, '0'))) code += 1;
  return String(code).padStart(6, '0');
}

let tenant: DevTenant;
beforeAll(async () => {
  tenant = await startDevTenant({
    customDomains: [{ port: 0 }],
    config: {
      users: [...DEFAULT_USERS, { ...CAROL, mfa: { totpSecret: SECRET } }],
      organizations: [
        ...DEFAULT_ORGANIZATIONS,
        { id: 'org_vault', name: 'vault', members: ['auth0|bob'], requireMfa: true },
      ],
    },
  });
});
afterAll(() => tenant.close());

/** Bob's newest emailed code, as a test reads it from the outbox. */
const bobsEmailedCode = async () => {
  const messages = await readOutbox({ tenantUrl: tenant.url, to: BOB.email });
  return messages.at(-1)?.code ?? '';
};
const bobWithEmail: TestUser = { ...BOB, otp: bobsEmailedCode };

/** The ID token of a login in `browser`, exchanged at the tenant. */
async function idTokenOf(
  params: Record<string, string>,
  user: TestUser,
  browser = new BrowserClient(),
) {
  const { code, verifier } = await authorize(tenant, params, browser, user);
  const tokens = await tokenRequest(tenant, {
    grant_type: 'authorization_code',
    code: code ?? '',
    redirect_uri: CALLBACK,
    code_verifier: verifier,
  });
  expect(tokens.status).toBe(200);
  return decodeJwt(tokens.body.id_token ?? '');
}

describe('a user with an authenticator app', () => {
  it('types its code after the password: amr mfa, the multi-factor acr, auth_time now', async () => {
    const before = now();
    const claims = await idTokenOf({}, { ...CAROL, otp: () => totpCode(SECRET) });
    expect(claims).toMatchObject({ sub: 'auth0|carol', amr: ['mfa'], acr: MFA_ACR });
    expect(claims.auth_time).toBeGreaterThanOrEqual(before);
    expect(claims.auth_time).toBeLessThanOrEqual(now());
  });

  it('cannot log in without the code, nor with a wrong one', async () => {
    const withoutCode = authorize(tenant, {}, new BrowserClient(), CAROL);
    await expect(withoutCode).rejects.toThrow(LoginFailedError);
    await expect(withoutCode).rejects.toThrow(/asks carol@example.com for a second factor/);
    await expect(
      authorize(tenant, {}, new BrowserClient(), { ...CAROL, otp: wrongCode }),
    ).rejects.toThrow(/refused the code of carol@example.com/);
  });

  it('keeps amr and acr in the ID tokens of refreshes', async () => {
    const tokens = await loginTokens(tenant, {}, { ...CAROL, otp: () => totpCode(SECRET) });
    const refreshed = await tokenRequest(tenant, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token ?? '',
    });
    expect(decodeJwt(refreshed.body.id_token ?? '')).toMatchObject({
      amr: ['mfa'],
      acr: MFA_ACR,
    });
  });

  it('does the same on a custom domain', async () => {
    const custom = tenant.domains[1]!;
    const tokens = await loginTokens(custom, {}, { ...CAROL, otp: () => totpCode(SECRET) });
    expect(decodeJwt(tokens.id_token ?? '')).toMatchObject({
      iss: custom.issuer,
      amr: ['mfa'],
    });
  });
});

describe('a user without one', () => {
  it('logs in with the password alone: no amr, no acr', async () => {
    const claims = await idTokenOf({}, BOB);
    expect(claims.amr).toBeUndefined();
    expect(claims.acr).toBeUndefined();
    expect(claims.auth_time).toEqual(expect.any(Number));
  });

  it('gets a code by email when acr_values asks for multi-factor', async () => {
    const claims = await idTokenOf({ acr_values: MFA_ACR }, bobWithEmail);
    expect(claims).toMatchObject({ sub: 'auth0|bob', amr: ['mfa'], acr: MFA_ACR });
    const [message] = (await readOutbox({ tenantUrl: tenant.url, to: BOB.email })).slice(-1);
    expect(message).toEqual({
      to: BOB.email,
      channel: 'email',
      code: expect.stringMatching(/^\d{6}$/),
      text: expect.stringContaining(message?.code ?? 'no code'),
      at: expect.any(Number),
    });
  });

  it('gets a code by email to log in to an organization that requires it', async () => {
    const claims = await idTokenOf({ organization: 'vault' }, bobWithEmail);
    expect(claims).toMatchObject({ org_id: 'org_vault', amr: ['mfa'], acr: MFA_ACR });
  });

  it('steps up: signed in without a second factor, asked only for the code', async () => {
    const browser = new BrowserClient();
    const first = await idTokenOf({}, BOB, browser);
    expect(first.amr).toBeUndefined();
    // No password is asked for: a wrong one would fail the login if it were.
    const stepped = await idTokenOf(
      { acr_values: MFA_ACR },
      { ...bobWithEmail, password: 'not asked' },
      browser,
    );
    expect(stepped).toMatchObject({ amr: ['mfa'], acr: MFA_ACR });
    expect(stepped.auth_time).toBeGreaterThanOrEqual(first.auth_time as number);
    expect(stepped.sid).toBe(first.sid);
  });
});

describe('a fresh login', () => {
  it('is forced by max_age once the session is older, and by prompt=login', async () => {
    const browser = new BrowserClient();
    const first = await idTokenOf({}, BOB, browser);
    // Within max_age, the session is enough: no form (a wrong password would fail it).
    await idTokenOf({ max_age: '60' }, { ...BOB, password: 'not asked' }, browser);
    await sleep(2100);
    await expect(
      authorize(tenant, { max_age: '1' }, browser, { ...BOB, password: 'wrong' }),
    ).rejects.toThrow(LoginFailedError);
    const fresh = await idTokenOf({ max_age: '1' }, BOB, browser);
    expect(fresh.auth_time).toBeGreaterThan(first.auth_time as number);
    await expect(
      authorize(tenant, { prompt: 'login' }, browser, { ...BOB, password: 'wrong' }),
    ).rejects.toThrow(LoginFailedError);
  });

  it('asks an authenticator-app user for the code again', async () => {
    const browser = new BrowserClient();
    const carol = { ...CAROL, otp: () => totpCode(SECRET) };
    await idTokenOf({}, carol, browser);
    await expect(
      authorize(tenant, { prompt: 'login' }, browser, { ...CAROL, otp: wrongCode }),
    ).rejects.toThrow(/refused the code/);
  });
});
