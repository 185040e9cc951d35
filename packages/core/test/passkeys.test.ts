/**
 * Passkeys against the dev tenant over real HTTP: a sign-up whose registration starts a session,
 * a sign-in with the new passkey that starts another, and the assertions the tenant refuses
 * (another challenge, another origin, a cloned authenticator, another key, a replayed
 * `authSession`), each a typed `PasskeyError` that leaves the session as it was.
 */
import { SoftwareAuthenticator } from '@gatehouse/dev-tenant/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MissingRequiredArgumentError,
  type PasskeyAuthResponse,
  PasskeyError,
  type SessionHookTrigger,
} from '../src/index.js';
import { MemoryCookieJar } from './support/memory-jar.js';
import { startTestApp, type TestApp } from './support/node-app.js';

const ORIGIN = 'http://localhost:3000';

let app: TestApp;
const triggers: SessionHookTrigger[] = [];
beforeAll(async () => {
  app = await startTestApp({
    beforeSessionSaved: (session, { trigger }) => {
      triggers.push(trigger);
      return { ...session, data: { via: trigger } };
    },
  });
});
afterAll(() => app.close());

const browser = () => ({ cookies: new MemoryCookieJar() });
const asJson = (credential: unknown) => credential as PasskeyAuthResponse;

/** A new user signed up with a new authenticator, and the session of the sign-up. */
async function signUp(email: string) {
  const authenticator = new SoftwareAuthenticator({ origin: ORIGIN });
  const storeOptions = browser();
  const { publicKey, authSession } = await app.client.passkeySignupChallenge({
    userProfile: { email, name: 'Pat' },
  });
  const session = await app.client.signinWithPasskey({
    authSession,
    authnResponse: asJson(authenticator.create(publicKey as never)),
    storeOptions,
  });
  return { authenticator, session, storeOptions };
}

/** Signs in with what `answer` makes of a login challenge's options. */
async function signInWith(answer: (publicKey: never) => unknown, storeOptions = browser()) {
  const { publicKey, authSession } = await app.client.passkeyLoginChallenge({});
  return app.client.signinWithPasskey({
    authSession,
    authnResponse: asJson(answer(publicKey as never)),
    storeOptions,
  });
}

describe('passkeys', () => {
  it('signs up: the registration creates the user and a session', async () => {
    const { session, storeOptions } = await signUp('pat@example.com');
    expect(session.user).toMatchObject({ email: 'pat@example.com', name: 'Pat' });
    expect(session.user.sub).toMatch(/^auth0\|/);
    expect(session.refreshToken).toEqual(expect.any(String));
    const user = await app.client.getUser({ storeOptions });
    expect(user?.sub).toBe(session.user.sub);
    expect(triggers.at(-1)).toBe('passkey');
    expect((await app.client.getSession({ storeOptions }))?.data).toEqual({ via: 'passkey' });
  });

  it('signs in with the new passkey: a brand-new session of the same user', async () => {
    const { authenticator, session: first } = await signUp('returning@example.com');
    const storeOptions = browser();
    const session = await signInWith((publicKey) => authenticator.get(publicKey), storeOptions);
    expect(session.user.sub).toBe(first.user.sub);
    expect((await app.client.getUser({ storeOptions }))?.email).toBe('returning@example.com');
    // An access token for the API, through the session's refresh token.
    const token = await app.client.getAccessToken({
      audience: 'https://api.example.com',
      storeOptions,
    });
    expect(token.accessToken).toEqual(expect.any(String));
  });

  it('names the user in a login challenge: only their passkeys are allowed', async () => {
    const { authenticator } = await signUp('named@example.com');
    const challenge = await app.client.passkeyLoginChallenge({ username: 'named@example.com' });
    expect(challenge.publicKey.allowCredentials).toHaveLength(1);
    const session = await app.client.signinWithPasskey({
      authSession: challenge.authSession,
      authnResponse: asJson(authenticator.get(challenge.publicKey as never)),
      storeOptions: browser(),
    });
    expect(session.user.email).toBe('named@example.com');
  });

  it('refuses a sign-up for an email that has a user (passkey_challenge_error)', async () => {
    const error = await app.client
      .passkeySignupChallenge({ userProfile: { email: 'alice@example.com' } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PasskeyError);
    expect(error).toMatchObject({
      code: 'passkey_challenge_error',
      tenantError: 'invalid_request',
    });
  });

  it('checks its arguments before calling the tenant', async () => {
    await expect(
      app.client.signinWithPasskey({
        authSession: '',
        authnResponse: {} as PasskeyAuthResponse,
        storeOptions: browser(),
      }),
    ).rejects.toBeInstanceOf(MissingRequiredArgumentError);
    await expect(
      app.client.signinWithPasskey({
        authSession: 'x',
        authnResponse: undefined as never,
        storeOptions: browser(),
      }),
    ).rejects.toMatchObject({ argument: 'authnResponse' });
    await expect(
      app.client.passkeySignupChallenge({ userProfile: { email: ' ' } }),
    ).rejects.toBeInstanceOf(MissingRequiredArgumentError);
  });

  describe('refused sign-ins: passkey_token_error, and no session', () => {
    let authenticator: SoftwareAuthenticator;
    beforeAll(async () => {
      ({ authenticator } = await signUp('target@example.com'));
    });

    async function expectRefused(
      attempt: Promise<unknown>,
      description: RegExp,
      storeOptions = browser(),
    ) {
      const error = await attempt.catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(PasskeyError);
      expect(error).toMatchObject({ code: 'passkey_token_error', tenantError: 'invalid_grant' });
      expect((error as PasskeyError).tenantErrorDescription).toMatch(description);
      expect(await app.client.getUser({ storeOptions })).toBeUndefined();
    }

    it('an assertion for another challenge', async () => {
      const other = await app.client.passkeyLoginChallenge({});
      const storeOptions = browser();
      await expectRefused(
        signInWith(() => authenticator.get(other.publicKey as never), storeOptions),
        /another challenge/,
        storeOptions,
      );
    });

    it('an assertion made on another origin', async () => {
      await expectRefused(
        signInWith((publicKey) => authenticator.get(publicKey, { origin: 'https://evil.example' })),
        /origin/,
      );
    });

    it('a cloned authenticator (its counter goes back)', async () => {
      const clone = authenticator.clone();
      await signInWith((publicKey) => authenticator.get(publicKey));
      await expectRefused(
        signInWith((publicKey) => clone.get(publicKey)),
        /cloned/,
      );
    });

    it('a signature by another key', async () => {
      await expectRefused(
        signInWith((publicKey) => authenticator.get(publicKey, { signWithAnotherKey: true })),
        /signature/,
      );
    });

    it('a replayed authSession', async () => {
      const { publicKey, authSession } = await app.client.passkeyLoginChallenge({});
      await app.client.signinWithPasskey({
        authSession,
        authnResponse: asJson(authenticator.get(publicKey as never)),
        storeOptions: browser(),
      });
      await expectRefused(
        app.client.signinWithPasskey({
          authSession,
          authnResponse: asJson(authenticator.get(publicKey as never)),
          storeOptions: browser(),
        }),
        /used already/,
      );
    });
  });
});
