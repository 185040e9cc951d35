/**
 * The MFA API against the dev tenant: an API that requires a second factor makes `getAccessToken`
 * throw `MfaRequiredError`; `client.mfa` enrols, challenges and verifies, and with `persist` the
 * next `getAccessToken` is served from the session.
 */
import { DEFAULT_APIS } from '@gatehouse/dev-tenant';
import { BrowserClient, loginAs, readOutbox, totpCode } from '@gatehouse/dev-tenant/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AccessTokenError,
  type CookieStoreOptions,
  MfaError,
  MfaRequiredError,
  MfaTokenExpiredError,
  MfaTokenInvalidError,
} from '../src/index.js';
import { jarOf } from './support/memory-jar.js';
import { countingFetch, startTestApp, type TestApp } from './support/node-app.js';

const ORDERS = 'https://api.example.com';
const ALICE = { email: 'alice@example.com', password: 'alice-password' };
const REQUIRE_MFA_FOR_ORDERS = DEFAULT_APIS.map((api) =>
  api.identifier === ORDERS ? { ...api, requireMfa: true } : api,
);

describe('the MFA API, for an API that requires a second factor', () => {
  let app: TestApp;
  let counter: ReturnType<typeof countingFetch>;
  let storeOptions: CookieStoreOptions;
  // A tenant per test: an enrolment makes every later login of the user ask for the factor.
  beforeEach(async () => {
    counter = countingFetch();
    app = await startTestApp({ fetch: counter.fetch }, { apis: REQUIRE_MFA_FOR_ORDERS });
    // A login without a second factor (the login asks for no API that requires one).
    const browser = new BrowserClient();
    await loginAs(browser, { startUrl: `${app.url}/auth/login`, ...ALICE });
    storeOptions = { cookies: jarOf(browser, app.url) };
  });
  afterEach(() => app.close());

  /** The MfaRequiredError of asking for the orders API now. */
  async function mfaRequired(): Promise<MfaRequiredError> {
    const error = await app.client.getAccessToken({ audience: ORDERS, storeOptions }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(MfaRequiredError);
    return error as MfaRequiredError;
  }

  it('getAccessToken throws MfaRequiredError (an AccessTokenError) with a sealed MFA token', async () => {
    const error = await mfaRequired();
    expect(error).toBeInstanceOf(AccessTokenError);
    expect(error.code).toBe('mfa_required');
    expect(error.details?.error).toBe('mfa_required');
    // Sealed: an opaque, authenticated string, nothing the browser could read or change.
    expect(error.mfaToken).toMatch(/^Fe26\.2\*/);
  });

  it('enrol an authenticator app, verify with persist: then the token comes from the session', async () => {
    const { mfaToken } = await mfaRequired();
    const before = await app.client.mfa.listAuthenticators({ mfaToken });
    expect(before.map((a) => a.authenticatorType)).toContain('oob');
    const enrollment = await app.client.mfa.enrollAuthenticator({ mfaToken, factorType: 'otp' });
    expect(enrollment).toMatchObject({ authenticatorType: 'otp', secret: expect.any(String) });
    const secret = (enrollment as { secret: string }).secret;
    // A new authenticator is confirmed by its first code: no challenge before it (as Auth0).
    const { tokenSet } = await app.client.mfa.verify({
      mfaToken,
      otp: totpCode(secret),
      persist: true,
      storeOptions,
    });
    const refreshes = counter.count('refresh_token');
    const next = await app.client.getAccessToken({ audience: ORDERS, storeOptions });
    expect(next.accessToken).toBe(tokenSet.accessToken);
    expect(counter.count('refresh_token')).toBe(refreshes);
    const claims = JSON.parse(
      Buffer.from(next.accessToken.split('.')[1] as string, 'base64url').toString(),
    );
    expect(claims.sub).toBe('auth0|alice');
    expect([claims.aud].flat()).toContain(ORDERS);
  });

  it('an emailed code: challenge (oob), then verify with the binding code from the outbox', async () => {
    const { mfaToken } = await mfaRequired();
    const challenge = await app.client.mfa.challengeAuthenticator({
      mfaToken,
      challengeType: 'oob',
    });
    expect(challenge).toMatchObject({ challengeType: 'oob', oobCode: expect.any(String) });
    const [message] = (await readOutbox({ tenantUrl: app.tenant.url, to: ALICE.email })).slice(-1);
    const result = await app.client.mfa.verify({
      mfaToken,
      oobCode: challenge.oobCode as string,
      bindingCode: message?.code as string,
    });
    expect(result.tokenSet.accessToken).toEqual(expect.any(String));
  });

  it('a recovery code (given at the first enrolment) works, and gives a new one', async () => {
    const first = await mfaRequired();
    const enrollment = await app.client.mfa.enrollAuthenticator({
      mfaToken: first.mfaToken,
      factorType: 'otp',
    });
    const [recoveryCode] = enrollment.recoveryCodes;
    expect(recoveryCode).toEqual(expect.any(String));
    // The enrolment is confirmed by its first code; the session itself stays without MFA.
    await app.client.mfa.verify({
      mfaToken: first.mfaToken,
      otp: totpCode((enrollment as { secret: string }).secret),
    });
    const { mfaToken } = await mfaRequired();
    const result = await app.client.mfa.verify({ mfaToken, recoveryCode: recoveryCode as string });
    expect(result.recoveryCode).toEqual(expect.any(String));
    expect(result.recoveryCode).not.toBe(recoveryCode);
  });

  it('a wrong code: MfaError mfa_verify_error with the tenant’s invalid_grant', async () => {
    const { mfaToken } = await mfaRequired();
    const enrollment = await app.client.mfa.enrollAuthenticator({ mfaToken, factorType: 'otp' });
    const wrong =
      totpCode((enrollment as { secret: string }).secret) === '000000' ? '111111' : '000000';
    const error = await app.client.mfa.verify({ mfaToken, otp: wrong }).catch((caught) => caught);
    expect(error).toBeInstanceOf(MfaError);
    expect(error).toMatchObject({ code: 'mfa_verify_error', tenantError: 'invalid_grant' });
  });

  it('a tampered MFA token: MfaTokenInvalidError, and nothing is sent', async () => {
    const { mfaToken } = await mfaRequired();
    const tampered = `${mfaToken.slice(0, -4)}AAAA`;
    await expect(app.client.mfa.listAuthenticators({ mfaToken: tampered })).rejects.toBeInstanceOf(
      MfaTokenInvalidError,
    );
    await expect(
      app.client.mfa.verify({ mfaToken: tampered, otp: '123456' }),
    ).rejects.toMatchObject({ code: 'mfa_token_invalid' });
  });

  it('an expired MFA token: MfaTokenExpiredError', async () => {
    const shortLived = await startTestApp(
      { mfaTokenTtl: 1 },
      {
        apis: DEFAULT_APIS.map((api) =>
          api.identifier === ORDERS ? { ...api, requireMfa: true } : api,
        ),
      },
    );
    try {
      const browser = new BrowserClient();
      await loginAs(browser, { startUrl: `${shortLived.url}/auth/login`, ...ALICE });
      const options = { cookies: jarOf(browser, shortLived.url) };
      const error = (await shortLived.client
        .getAccessToken({ audience: ORDERS, storeOptions: options })
        .catch((caught) => caught)) as MfaRequiredError;
      await new Promise((resolve) => setTimeout(resolve, 2100));
      await expect(
        shortLived.client.mfa.listAuthenticators({ mfaToken: error.mfaToken }),
      ).rejects.toBeInstanceOf(MfaTokenExpiredError);
    } finally {
      await shortLived.close();
    }
  });
});
