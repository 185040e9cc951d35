import { randomBytes } from 'node:crypto';
import {
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { issueGrantTokens } from './grant-tokens.js';
import { oidcProvider } from './oidc-provider.js';
import { PASSKEY_ALGORITHMS } from './passkey-api.js';
import type { PasskeySession, StoredCredential } from './passkeys.js';
import { findApi, type TenantState } from './tenant-state.js';
import { tokenError } from './token-errors.js';
import { exchangeOrganization } from './token-exchange.js';

/** Auth0's grant for a passkey sign-up or sign-in. */
export const WEBAUTHN_GRANT = 'urn:okta:params:oauth:grant-type:webauthn';

const PARAMETERS = ['auth_session', 'authn_response', 'realm', 'organization', 'audience', 'scope'];

type Params = Record<string, string | undefined>;

const invalidRequest = (description: string) => tokenError('invalid_request', description);
const invalidGrant = (description: string) => tokenError('invalid_grant', description, 403);

/** The credential JSON of `authn_response`: an object with the fields every response has. */
function credentialOf(params: Params): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(params.authn_response ?? '');
  } catch {
    throw invalidRequest('authn_response must be the WebAuthn credential as a JSON object');
  }
  const credential = parsed as Record<string, unknown> | null;
  if (
    typeof credential !== 'object' ||
    credential === null ||
    typeof credential.id !== 'string' ||
    typeof credential.rawId !== 'string' ||
    credential.type !== 'public-key' ||
    typeof credential.response !== 'object' ||
    credential.response === null
  ) {
    throw invalidRequest(
      'authn_response must be a WebAuthn credential: { id, rawId, type: "public-key", response }',
    );
  }
  return { clientExtensionResults: {}, ...credential };
}

/**
 * What a failed WebAuthn check means, in words an integrator can act on. The library's messages
 * name the check; the tenant's say what the failure implies.
 */
function refusal(error: unknown, state: TenantState): Error {
  const message = error instanceof Error ? error.message : String(error);
  if (/counter/i.test(message)) {
    return invalidGrant(
      'the signature counter did not increase: the authenticator may have been cloned',
    );
  }
  if (/challenge/i.test(message)) {
    return invalidGrant('the passkey response answers another challenge than this auth_session');
  }
  if (/origin/i.test(message)) {
    return invalidGrant(
      `the passkey response comes from an origin that is not one of ${state.config.passkeys.origins.join(', ')}`,
    );
  }
  if (/RP ID/i.test(message)) {
    return invalidGrant(
      `the passkey response is for another relying party than ${state.config.passkeys.rpId}`,
    );
  }
  return invalidGrant(`the passkey response could not be verified: ${message}`);
}

/** A sign-up: verifies the registration, then creates the user and stores the passkey. */
async function signUp(
  state: TenantState,
  session: PasskeySession,
  credential: Record<string, unknown>,
): Promise<string> {
  const pending = session.user as NonNullable<PasskeySession['user']>;
  const { rpId, origins } = state.config.passkeys;
  let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    verified = await verifyRegistrationResponse({
      response: credential as unknown as RegistrationResponseJSON,
      expectedChallenge: session.challenge,
      expectedOrigin: origins,
      expectedRPID: rpId,
      requireUserVerification: false,
      supportedAlgorithmIDs: PASSKEY_ALGORITHMS,
    });
  } catch (error) {
    throw refusal(error, state);
  }
  if (!verified.verified) throw invalidGrant('the passkey registration could not be verified');
  const known = pending.email.toLowerCase();
  // Another sign-up for the same email may have finished since the challenge.
  if (state.config.users.some((user) => user.email.toLowerCase() === known)) {
    throw invalidRequest('The user already exists.');
  }
  const { credential: registered } = verified.registrationInfo;
  if (state.passkeys.find(registered.id)) throw invalidGrant('this passkey is already registered');
  const sub = `auth0|${randomBytes(12).toString('hex')}`;
  state.config.users.push({
    sub,
    email: pending.email,
    name: pending.name ?? pending.email.split('@')[0] ?? pending.email,
    // A passkey user has no password: one nobody knows keeps the password form closed to them.
    password: randomBytes(32).toString('base64url'),
  });
  state.passkeys.add({
    id: registered.id,
    sub,
    userHandle: pending.userHandle,
    publicKey: registered.publicKey,
    counter: registered.counter,
    transports: registered.transports ?? [],
  });
  return sub;
}

/** A sign-in: the assertion must be of a known passkey (of `username`'s user, if given). */
async function signIn(
  state: TenantState,
  session: PasskeySession,
  credential: Record<string, unknown>,
): Promise<string> {
  const stored: StoredCredential | undefined = state.passkeys.find(credential.id as string);
  if (!stored) throw invalidGrant('no user has this passkey');
  if (session.username) {
    const user = state.config.users.find((candidate) => candidate.sub === stored.sub);
    if (user?.email.toLowerCase() !== session.username.toLowerCase()) {
      throw invalidGrant(`this passkey is not one of ${session.username}'s`);
    }
  }
  const userHandle = (credential.response as Record<string, unknown>).userHandle;
  if (userHandle !== undefined && userHandle !== stored.userHandle) {
    throw invalidGrant('the userHandle of the response is not the passkey’s user');
  }
  const { rpId, origins } = state.config.passkeys;
  let verified: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
  try {
    verified = await verifyAuthenticationResponse({
      response: credential as unknown as AuthenticationResponseJSON,
      expectedChallenge: session.challenge,
      expectedOrigin: origins,
      expectedRPID: rpId,
      credential: {
        id: stored.id,
        publicKey: stored.publicKey as never,
        counter: stored.counter,
        transports: stored.transports as never,
      },
      requireUserVerification: false,
    });
  } catch (error) {
    throw refusal(error, state);
  }
  if (!verified.verified) {
    throw invalidGrant('the passkey signature does not verify with the registered public key');
  }
  state.passkeys.updateCounter(stored.id, verified.authenticationInfo.newCounter);
  return stored.sub;
}

/**
 * Registers Auth0's passkey grant: `auth_session` (of `/passkey/register` or `/passkey/challenge`,
 * used once), `authn_response` (the browser's credential as JSON), `scope`, `audience`,
 * `realm?`, `organization?`. A registration or assertion is verified by `@simplewebauthn/server`
 * (origin, RP ID, challenge, signature, counter); a sign-up creates the user. The tokens are those
 * of every grant that signs a user in without a browser (`issueGrantTokens`).
 */
export function registerPasskeyGrant(provider: Provider, state: TenantState): void {
  provider.registerGrantType(
    WEBAUTHN_GRANT,
    async (ctx: KoaContextWithOIDC) => {
      const params = ctx.oidc.params as Params;
      if (!params.auth_session) throw invalidRequest('missing required parameter auth_session');
      if (!params.authn_response) throw invalidRequest('missing required parameter authn_response');
      const credential = credentialOf(params);
      const session = state.passkeys.take(params.auth_session);
      if (!session || session.clientId !== ctx.oidc.client?.clientId) {
        throw invalidGrant('auth_session is unknown, used already, expired, or of another client');
      }
      if (params.realm !== undefined && params.realm !== session.realm) {
        throw invalidRequest('realm is not the one of the challenge');
      }
      const audience = params.audience;
      const api = audience ? findApi(state, audience) : undefined;
      if (audience && !api) {
        throw new (oidcProvider().errors.InvalidTarget)(`Service not found: ${audience}`);
      }
      const sub =
        session.kind === 'signup'
          ? await signUp(state, session, credential)
          : await signIn(state, session, credential);
      const organization = exchangeOrganization(
        state,
        { organization: params.organization ?? session.organization },
        sub,
      );
      ctx.body = await issueGrantTokens(state, ctx, {
        sub,
        api,
        organization,
        gty: WEBAUTHN_GRANT,
        amr: ['webauthn'],
      });
    },
    PARAMETERS,
  );
}
