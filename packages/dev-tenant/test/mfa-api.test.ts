/**
 * Auth0's MFA API for an `mfa_token` (`/mfa/authenticators`, `/mfa/associate`, `/mfa/challenge`)
 * and the MFA grants, which give the tokens the refresh that needed a second factor asked for.
 */
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevTenant, MFA_ACR, startDevTenant } from '../src/index.js';
import { readOutbox, totpCode } from '../src/testing/index.js';
import { ALICE } from './helpers.js';
import {
  challenge,
  mfaApi,
  mfaTenantConfig,
  mfaTokenFor,
  OOB_GRANT,
  OTHER_CLIENT,
  OTP_GRANT,
  plainRefreshToken,
  RECOVERY_CODE_GRANT,
  refreshIntoVault,
  token,
  user,
  VAULT_API,
} from './mfa-helpers.js';

let tenant: DevTenant;
beforeAll(async () => {
  tenant = await startDevTenant({ customDomains: [{ port: 0 }], config: mfaTenantConfig() });
});
afterAll(() => tenant.close());

/** The newest code sent to `to`. */
const newestCode = async (to: string) =>
  (await readOutbox({ tenantUrl: tenant.url, to })).at(-1)?.code ?? '';

describe('enrolling an authenticator app with an mfa_token', () => {
  it('lists the email factor, associates an app, and mfa-otp gives the tokens asked for', async () => {
    const { mfaToken, refreshToken } = await mfaTokenFor(tenant, user('dave'));
    const listed = await mfaApi(tenant, '/mfa/authenticators', { mfaToken });
    expect(listed).toEqual({
      status: 200,
      body: [
        {
          id: expect.stringMatching(/^email\|dev_/),
          authenticator_type: 'oob',
          oob_channel: 'email',
          name: 'd***@example.com',
          active: true,
        },
      ],
    });

    const associated = await mfaApi(tenant, '/mfa/associate', {
      mfaToken,
      body: { authenticator_types: ['otp'] },
    });
    expect(associated).toEqual({
      status: 200,
      body: {
        authenticator_type: 'otp',
        secret: expect.stringMatching(/^[A-Z2-7]{32}$/),
        barcode_uri: expect.stringMatching(/^otpauth:\/\/totp\/.*secret=[A-Z2-7]{32}/),
        recovery_codes: [expect.stringMatching(/^[A-Z2-7]{24}$/)],
      },
    });

    const wrong = await token(tenant, { grant_type: OTP_GRANT, mfa_token: mfaToken, otp: '12' });
    expect(wrong).toEqual({
      status: 403,
      body: { error: 'invalid_grant', error_description: 'Invalid otp_code.' },
    });

    const verified = await token(tenant, {
      grant_type: OTP_GRANT,
      mfa_token: mfaToken,
      otp: totpCode(associated.body.secret),
    });
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({
      access_token: expect.any(String),
      id_token: expect.any(String),
      refresh_token: expect.any(String),
      scope: 'openid profile offline_access read:secrets',
      expires_in: expect.any(Number),
      token_type: 'Bearer',
    });
    expect(decodeJwt(verified.body.access_token)).toMatchObject({
      aud: VAULT_API,
      sub: 'auth0|dave',
      scope: 'read:secrets',
      azp: 'demo-web',
    });
    const idToken = decodeJwt(verified.body.id_token);
    expect(idToken).toMatchObject({
      iss: tenant.issuer,
      aud: 'demo-web',
      sub: 'auth0|dave',
      name: 'dave',
      amr: ['mfa'],
      acr: MFA_ACR,
    });
    expect(idToken.auth_time).toBeGreaterThan(Date.now() / 1000 - 10);

    // The new refresh token remembers the second factor; the mfa_token is used up.
    const refreshed = await refreshIntoVault(tenant, verified.body.refresh_token);
    expect(refreshed.status).toBe(200);
    const reused = await token(tenant, {
      grant_type: OTP_GRANT,
      mfa_token: mfaToken,
      otp: totpCode(associated.body.secret),
    });
    expect(reused.body).toEqual({
      error: 'invalid_grant',
      error_description: 'Malformed mfa_token',
    });

    // Enrolled now: listed, challenged with otp, and not enrolled twice. (Dave's logins ask for
    // the app's code now; the refresh token of his login before still lacks a second factor.)
    const next = (await refreshIntoVault(tenant, refreshToken)).body.mfa_token;
    const types = (await mfaApi(tenant, '/mfa/authenticators', { mfaToken: next })).body.map(
      (authenticator: { authenticator_type: string }) => authenticator.authenticator_type,
    );
    expect(types).toEqual(['oob', 'otp', 'recovery-code']);
    expect(await challenge(tenant, next, { challenge_type: 'otp' })).toEqual({
      status: 200,
      body: { challenge_type: 'otp' },
    });
    const again = await mfaApi(tenant, '/mfa/associate', {
      mfaToken: next,
      body: { authenticator_types: ['otp'] },
    });
    expect(again).toEqual({
      status: 403,
      body: { error: 'access_denied', error_description: 'User is already enrolled.' },
    });
  });
});

describe('a code sent out of band', () => {
  it('is challenged by email, and mfa-oob takes its binding code', async () => {
    const { mfaToken } = await mfaTokenFor(tenant, user('erin'));
    const challenged = await challenge(tenant, mfaToken, { challenge_type: 'oob' });
    expect(challenged).toEqual({
      status: 200,
      body: { challenge_type: 'oob', oob_code: expect.any(String), binding_method: 'prompt' },
    });
    const [message] = (await readOutbox({ tenantUrl: tenant.url, to: 'erin@example.com' })).slice(
      -1,
    );
    expect(message).toMatchObject({ channel: 'email', code: expect.stringMatching(/^\d{6}$/) });
    const oobCode = challenged.body.oob_code;
    const wrong = await token(tenant, {
      grant_type: OOB_GRANT,
      mfa_token: mfaToken,
      oob_code: oobCode,
      binding_code: message?.code === '000000' ? '000001' : '000000',
    });
    expect(wrong.body).toEqual({
      error: 'invalid_grant',
      error_description: 'Invalid binding_code.',
    });
    const missing = await token(tenant, {
      grant_type: OOB_GRANT,
      mfa_token: mfaToken,
      oob_code: oobCode,
    });
    expect(missing).toEqual({
      status: 400,
      body: {
        error: 'invalid_request',
        error_description: 'missing required parameter binding_code',
      },
    });
    const verified = await token(tenant, {
      grant_type: OOB_GRANT,
      mfa_token: mfaToken,
      oob_code: oobCode,
      binding_code: message?.code ?? '',
    });
    expect(verified.status).toBe(200);
    expect(decodeJwt(verified.body.id_token)).toMatchObject({ sub: 'auth0|erin', amr: ['mfa'] });
  });

  it('enrolls a phone: the code goes to it by text message, and the phone is listed', async () => {
    const { mfaToken } = await mfaTokenFor(tenant, user('frank'));
    const associated = await mfaApi(tenant, '/mfa/associate', {
      mfaToken,
      body: { authenticator_types: ['oob'], oob_channels: ['sms'], phone_number: '+15550100' },
    });
    expect(associated).toEqual({
      status: 200,
      body: {
        authenticator_type: 'oob',
        oob_channel: 'sms',
        oob_code: expect.any(String),
        binding_method: 'prompt',
        recovery_codes: [expect.any(String)],
      },
    });
    const [text] = await readOutbox({ tenantUrl: tenant.url, to: '+15550100' });
    expect(text).toMatchObject({ to: '+15550100', channel: 'sms' });
    const verified = await token(tenant, {
      grant_type: OOB_GRANT,
      mfa_token: mfaToken,
      oob_code: associated.body.oob_code,
      binding_code: text?.code ?? '',
    });
    expect(verified.status).toBe(200);
    const { mfaToken: next } = await mfaTokenFor(tenant, user('frank'));
    const listed = await mfaApi(tenant, '/mfa/authenticators', { mfaToken: next });
    expect(listed.body).toContainEqual({
      id: expect.stringMatching(/^sms\|dev_/),
      authenticator_type: 'oob',
      oob_channel: 'sms',
      name: 'XXXXX0100',
      active: true,
    });
    // Enrolled now: an mfa_token enrolls no second factor of another kind (it would bypass this one).
    const app = await mfaApi(tenant, '/mfa/associate', {
      mfaToken: next,
      body: { authenticator_types: ['otp'] },
    });
    expect(app).toEqual({
      status: 403,
      body: { error: 'access_denied', error_description: 'User is already enrolled.' },
    });
  });

  it('does not enroll the email address every user has already', async () => {
    const { mfaToken } = await mfaTokenFor(tenant, user('heidi'));
    const own = await mfaApi(tenant, '/mfa/associate', {
      mfaToken,
      body: { authenticator_types: ['oob'], oob_channels: ['email'] },
    });
    expect(own.status).toBe(403);
    const badPhone = await mfaApi(tenant, '/mfa/associate', {
      mfaToken,
      body: { authenticator_types: ['oob'], oob_channels: ['sms'], phone_number: '555' },
    });
    expect(badPhone.status).toBe(400);
    expect(badPhone.body.error).toBe('invalid_request');
  });
});

describe('a recovery code', () => {
  it('gives tokens once, with the new recovery code', async () => {
    const { mfaToken, refreshToken } = await mfaTokenFor(tenant, user('grace'));
    const associated = await mfaApi(tenant, '/mfa/associate', {
      mfaToken,
      body: { authenticator_types: ['otp'] },
    });
    const [recoveryCode] = associated.body.recovery_codes;
    await token(tenant, {
      grant_type: OTP_GRANT,
      mfa_token: mfaToken,
      otp: totpCode(associated.body.secret),
    });

    const second = (await refreshIntoVault(tenant, refreshToken)).body.mfa_token;
    const recovered = await token(tenant, {
      grant_type: RECOVERY_CODE_GRANT,
      mfa_token: second,
      recovery_code: recoveryCode,
    });
    expect(recovered.status).toBe(200);
    expect(recovered.body.recovery_code).toMatch(/^[A-Z2-7]{24}$/);
    expect(recovered.body.recovery_code).not.toBe(recoveryCode);
    expect(decodeJwt(recovered.body.id_token)).toMatchObject({ amr: ['mfa'] });

    const third = (await refreshIntoVault(tenant, refreshToken)).body.mfa_token;
    const reused = await token(tenant, {
      grant_type: RECOVERY_CODE_GRANT,
      mfa_token: third,
      recovery_code: recoveryCode,
    });
    expect(reused).toEqual({
      status: 403,
      body: { error: 'invalid_grant', error_description: 'Invalid recovery_code.' },
    });
  });
});

describe('an mfa_token', () => {
  it('belongs to its client: another one is refused at the challenge and the grants', async () => {
    const { mfaToken } = await mfaTokenFor(tenant, user('heidi'));
    const badSecret = await mfaApi(tenant, '/mfa/challenge', {
      body: {
        mfa_token: mfaToken,
        client_id: 'demo-web',
        client_secret: 'wrong',
        challenge_type: 'oob',
      },
    });
    expect(badSecret).toEqual({
      status: 401,
      body: { error: 'invalid_client', error_description: 'Client authentication failed.' },
    });
    const otherClient = await mfaApi(tenant, '/mfa/challenge', {
      body: {
        mfa_token: mfaToken,
        client_id: OTHER_CLIENT.id,
        client_secret: OTHER_CLIENT.secret,
        challenge_type: 'oob',
      },
    });
    expect(otherClient.status).toBe(403);
    expect(otherClient.body.error).toBe('invalid_grant');
    const grant = await token(
      tenant,
      { grant_type: OTP_GRANT, mfa_token: mfaToken, otp: '123456' },
      OTHER_CLIENT,
    );
    expect(grant.body).toEqual({
      error: 'invalid_grant',
      error_description: 'mfa_token was issued to another client',
    });
  });

  it('is required: 400 at the grants, 401 at the MFA API without one', async () => {
    expect(await token(tenant, { grant_type: OTP_GRANT, otp: '123456' })).toEqual({
      status: 400,
      body: { error: 'invalid_request', error_description: 'missing required parameter mfa_token' },
    });
    expect((await mfaApi(tenant, '/mfa/authenticators')).status).toBe(401);
    expect((await mfaApi(tenant, '/mfa/authenticators', { mfaToken: 'made-up' })).body).toEqual({
      error: 'invalid_grant',
      error_description: 'Malformed mfa_token',
    });
  });

  it('keeps the organization of the login, and works on every domain', async () => {
    const custom = tenant.domains[1]!;
    const refreshToken = await plainRefreshToken(tenant, ALICE, { organization: 'org_acme' });
    const mfaToken = (await refreshIntoVault(tenant, refreshToken)).body.mfa_token;
    const challenged = await challenge(custom, mfaToken, { challenge_type: 'oob' });
    const verified = await token(custom, {
      grant_type: OOB_GRANT,
      mfa_token: mfaToken,
      oob_code: challenged.body.oob_code,
      binding_code: await newestCode('alice@example.com'),
    });
    expect(verified.status).toBe(200);
    expect(decodeJwt(verified.body.id_token)).toMatchObject({
      iss: custom.issuer,
      org_id: 'org_acme',
      org_name: 'acme',
    });
    expect(decodeJwt(verified.body.access_token)).toMatchObject({
      org_id: 'org_acme',
      aud: VAULT_API,
    });
  });
});
