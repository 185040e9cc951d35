import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CLIENT_SECRET, type DevTenant, startDevTenant } from '../src/index.js';
import { SoftwareAuthenticator } from '../src/testing/index.js';

const ORIGIN = 'http://localhost:3000';
const WEBAUTHN_GRANT = 'urn:okta:params:oauth:grant-type:webauthn';
const CLIENT = { client_id: 'demo-web', client_secret: DEMO_CLIENT_SECRET };

describe('passkeys: /passkey/register, /passkey/challenge and the webauthn grant', () => {
  let tenant: DevTenant;
  beforeAll(async () => {
    tenant = await startDevTenant();
  });
  afterAll(() => tenant.close());

  async function post(path: string, body: Record<string, unknown>) {
    const response = await fetch(new URL(path, tenant.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }

  const signupChallenge = (email: string, name?: string) =>
    post('/passkey/register', { ...CLIENT, user_profile: { email, ...(name ? { name } : {}) } });
  const loginChallenge = (username?: string) =>
    post('/passkey/challenge', { ...CLIENT, ...(username ? { username } : {}) });
  const token = (authSession: string, authnResponse: unknown, extra = {}) =>
    post('/oauth/token', {
      grant_type: WEBAUTHN_GRANT,
      ...CLIENT,
      auth_session: authSession,
      authn_response: authnResponse,
      scope: 'openid profile email offline_access',
      ...extra,
    });

  /** Signs up a new user with a new authenticator; returns both. */
  async function signUp(email: string) {
    const authenticator = new SoftwareAuthenticator({ origin: ORIGIN });
    const challenge = await signupChallenge(email, 'Pat');
    expect(challenge.status).toBe(200);
    const registration = authenticator.create(challenge.body.authn_params_public_key);
    const tokens = await token(challenge.body.auth_session, registration);
    expect(tokens.status).toBe(200);
    return { authenticator, tokens: tokens.body };
  }

  it('offers creation options as Auth0 does: RP, user, ES256/EdDSA/RS256, resident key, none', async () => {
    const { status, body } = await signupChallenge('options@example.com', 'Opal');
    expect(status).toBe(200);
    expect(typeof body.auth_session).toBe('string');
    const options = body.authn_params_public_key;
    expect(options.rp).toEqual({ id: 'localhost', name: 'Gatehouse dev tenant' });
    expect(options.user).toMatchObject({ name: 'options@example.com', displayName: 'Opal' });
    expect(options.pubKeyCredParams.map((param: { alg: number }) => param.alg)).toEqual([
      -7, -8, -257,
    ]);
    expect(options.authenticatorSelection).toMatchObject({
      residentKey: 'required',
      userVerification: 'preferred',
    });
    expect(options.attestation).toBe('none');
    expect(options.challenge).toMatch(/^[\w-]{20,}$/);
  });

  it('signs up: the registration creates the user and gives tokens; the passkey then signs in', async () => {
    const { authenticator, tokens } = await signUp('new-user@example.com');
    const claims = decodeJwt(tokens.id_token);
    expect(claims).toMatchObject({ email: 'new-user@example.com', name: 'Pat', amr: ['webauthn'] });
    expect(claims.sub).toMatch(/^auth0\|[0-9a-f]{24}$/);
    expect(tokens.refresh_token).toEqual(expect.any(String));

    const challenge = await loginChallenge();
    const assertion = authenticator.get(challenge.body.authn_params_public_key);
    const signedIn = await token(challenge.body.auth_session, assertion, {
      audience: 'https://api.example.com',
      scope: 'openid read:orders',
    });
    expect(signedIn.status).toBe(200);
    expect(decodeJwt(signedIn.body.id_token).sub).toBe(claims.sub);
    expect(decodeJwt(signedIn.body.access_token)).toMatchObject({
      sub: claims.sub,
      aud: 'https://api.example.com',
      scope: 'read:orders',
    });
  });

  it('lists a known username’s passkeys in allowCredentials', async () => {
    const { authenticator } = await signUp('listed@example.com');
    const challenge = await loginChallenge('listed@example.com');
    const allowed = challenge.body.authn_params_public_key.allowCredentials;
    expect(allowed).toHaveLength(1);
    const assertion = authenticator.get(challenge.body.authn_params_public_key);
    expect(allowed[0].id).toBe(assertion.id);
    expect((await token(challenge.body.auth_session, assertion)).status).toBe(200);
  });

  it('refuses a sign-up for an email that has a user', async () => {
    const { status, body } = await signupChallenge('alice@example.com');
    expect(status).toBe(400);
    expect(body).toEqual({
      error: 'invalid_request',
      error_description: 'The user already exists.',
    });
  });

  it('refuses challenges without client authentication or with a malformed body', async () => {
    const noSecret = await post('/passkey/challenge', { client_id: 'demo-web' });
    expect(noSecret).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    const noEmail = await post('/passkey/register', { ...CLIENT, user_profile: {} });
    expect(noEmail).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    const form = await fetch(new URL('/passkey/challenge', tenant.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(CLIENT),
    });
    expect(form.status).toBe(400);
  });

  describe('refused assertions (403 invalid_grant)', () => {
    let authenticator: SoftwareAuthenticator;
    beforeAll(async () => {
      ({ authenticator } = await signUp('victim@example.com'));
    });

    const refusedWith = async (
      answer: (options: never) => unknown,
      description: RegExp,
      authSession?: string,
    ) => {
      const challenge = await loginChallenge();
      const response = await token(
        authSession ?? challenge.body.auth_session,
        answer(challenge.body.authn_params_public_key as never),
      );
      expect(response.status).toBe(403);
      expect(response.body.error).toBe('invalid_grant');
      expect(response.body.error_description).toMatch(description);
    };

    it('an assertion for another challenge', async () => {
      const other = await loginChallenge();
      await refusedWith(
        () => authenticator.get(other.body.authn_params_public_key),
        /another challenge/,
      );
    });

    it('an assertion made on another origin (a phishing page)', async () => {
      await refusedWith(
        (options) => authenticator.get(options, { origin: 'https://evil.example' }),
        /origin/,
      );
    });

    it('a signature by another key', async () => {
      await refusedWith(
        (options) => authenticator.get(options, { signWithAnotherKey: true }),
        /signature does not verify/,
      );
    });

    it('a cloned authenticator: its counter does not go up', async () => {
      const clone = authenticator.clone();
      const first = await loginChallenge();
      const ok = await token(
        first.body.auth_session,
        authenticator.get(first.body.authn_params_public_key),
      );
      expect(ok.status).toBe(200);
      await refusedWith((options) => clone.get(options), /cloned/);
    });

    it('a replayed auth_session', async () => {
      const challenge = await loginChallenge();
      const assertion = authenticator.get(challenge.body.authn_params_public_key);
      expect((await token(challenge.body.auth_session, assertion)).status).toBe(200);
      const again = await token(
        challenge.body.auth_session,
        authenticator.get(challenge.body.authn_params_public_key),
      );
      expect(again.status).toBe(403);
      expect(again.body.error_description).toMatch(/used already/);
    });

    it('a passkey of another user than the username of the challenge', async () => {
      const challenge = await post('/passkey/challenge', {
        ...CLIENT,
        username: 'bob@example.com',
      });
      const response = await token(
        challenge.body.auth_session,
        authenticator.get({ ...challenge.body.authn_params_public_key, allowCredentials: [] }),
      );
      expect(response).toMatchObject({ status: 403, body: { error: 'invalid_grant' } });
    });
  });

  it('answers a malformed authn_response with 400 invalid_request', async () => {
    const challenge = await loginChallenge();
    const response = await token(challenge.body.auth_session, { id: 'x' });
    expect(response).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });

  it('checks the passkeys config by field', async () => {
    await expect(
      startDevTenant({ config: { passkeys: { origins: ['localhost:3000'] } } }),
    ).rejects.toThrow(/passkeys\.origins\[0\] must be an origin string/);
    await expect(startDevTenant({ config: { passkeys: { rpid: 'x' } as never } })).rejects.toThrow(
      /passkeys\.rpid is not a known field/,
    );
  });
});
