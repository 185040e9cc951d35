import { nowSeconds } from '../clock.js';
import { MissingRequiredArgumentError, PasskeyError } from '../errors.js';
import { checkOrganization, loginOrganization } from '../login/organization.js';
import { mfaRequiredErrorOf } from '../mfa/mfa-required.js';
import type { MfaTokens } from '../mfa/mfa-token.js';
import { tenantErrorOf } from '../oidc/context.js';
import type { TenantDomains } from '../oidc/domains.js';
import { verifyIdToken } from '../oidc/id-token.js';
import type { Tenant } from '../oidc/tenant.js';
import type { AuthorizationParams } from '../options.js';
import type { BeforeSessionSaved } from '../session/hook.js';
import type { Session } from '../session/model.js';
import { loginScope, mergeScopes } from '../session/scopes.js';
import { startSession } from '../session/start-session.js';
import type { Sessions } from '../stores/sessions.js';
import {
  PASSKEY_CHALLENGE_PATH,
  PASSKEY_REGISTER_PATH,
  passkeyTokenRequest,
  processPasskeyTokenResponse,
  requestPasskeyChallenge,
} from './requests.js';
import type {
  PasskeyChallenge,
  PasskeyLoginChallengeOptions,
  PasskeySignupChallengeOptions,
  SigninWithPasskeyOptions,
} from './types.js';

/** What the passkey flows need from the client that owns them. */
export interface PasskeysContext<TStoreOptions> {
  domains: TenantDomains<TStoreOptions>;
  sessions: Sessions<TStoreOptions>;
  beforeSessionSaved: BeforeSessionSaved | undefined;
  mfaTokens: MfaTokens;
  /** The configured `authorizationParams`: the default audience and scope. */
  params: AuthorizationParams;
  /** The configured default organization. */
  organization: string | undefined;
}

const blank = (value: unknown) => typeof value !== 'string' || value.trim() === '';

/** An optional string argument: absent, or a non-blank string. */
function optionalText(options: object, name: string): string | undefined {
  const value = (options as Record<string, unknown>)[name];
  if (value === undefined) return undefined;
  if (blank(value)) throw new MissingRequiredArgumentError(name);
  return (value as string).trim();
}

/**
 * Auth0's native passkeys: a challenge from the tenant (`/passkey/register` to sign up,
 * `/passkey/challenge` to sign in), the browser's WebAuthn ceremony, then the passkey grant,
 * whose tokens start a brand-new session as a login does.
 */
export class Passkeys<TStoreOptions> {
  constructor(private readonly context: PasskeysContext<TStoreOptions>) {}

  /** Creation options for a new user's passkey. */
  async signupChallenge(
    options: PasskeySignupChallengeOptions<TStoreOptions> = {},
  ): Promise<PasskeyChallenge> {
    const profile = options.userProfile;
    if (profile !== undefined && blank(profile?.email)) {
      throw new MissingRequiredArgumentError('userProfile.email');
    }
    const tenant = await this.context.domains.current(options.storeOptions);
    return requestPasskeyChallenge(tenant, PASSKEY_REGISTER_PATH, {
      ...(profile
        ? {
            user_profile: { email: profile.email, ...(profile.name ? { name: profile.name } : {}) },
          }
        : {}),
      ...(options.userMetadata ? { user_metadata: options.userMetadata } : {}),
      ...this.#realmAndOrganization(options),
    });
  }

  /** Request options to sign in with a passkey (any of the user's, or of `username`'s). */
  async loginChallenge(
    options: PasskeyLoginChallengeOptions<TStoreOptions> = {},
  ): Promise<PasskeyChallenge> {
    const username = optionalText(options, 'username');
    const tenant = await this.context.domains.current(options.storeOptions);
    return requestPasskeyChallenge(tenant, PASSKEY_CHALLENGE_PATH, {
      ...(username ? { username } : {}),
      ...this.#realmAndOrganization(options),
    });
  }

  /**
   * The passkey grant: the browser's credential for a challenge's `authSession`. Its ID token is
   * verified as a login's (no nonce: there was no redirect), the organization checked, and a
   * brand-new session saved. `mfa_required` becomes an {@link MfaRequiredError}.
   */
  async signin(options: SigninWithPasskeyOptions<TStoreOptions>): Promise<Session> {
    if (blank(options?.authSession)) throw new MissingRequiredArgumentError('authSession');
    const credential = options.authnResponse;
    if (typeof credential !== 'object' || credential === null || Array.isArray(credential)) {
      throw new MissingRequiredArgumentError('authnResponse');
    }
    if (options.storeOptions === undefined) throw new MissingRequiredArgumentError('storeOptions');
    const organization = loginOrganization(options.organization, this.context.organization);
    const audience = optionalText(options, 'audience') ?? this.context.params.audience;
    const scope = options.scope
      ? mergeScopes('openid', options.scope)
      : loginScope(this.context.params.scope, audience);
    const tenant = await this.context.domains.current(options.storeOptions);
    const response = await passkeyTokenRequest(tenant, {
      authSession: options.authSession,
      authnResponse: credential,
      scope,
      audience,
      organization,
      realm: optionalText(options, 'connection'),
    });
    let result: Awaited<ReturnType<typeof processPasskeyTokenResponse>>;
    try {
      result = await processPasskeyTokenResponse(tenant, response);
    } catch (cause) {
      throw await this.#refusal(cause, tenant, audience, scope);
    }
    const { tokens, idToken } = result;
    if (typeof idToken !== 'string') {
      throw new PasskeyError(
        'invalid_response',
        'The passkey grant returned no ID token to start a session with.',
      );
    }
    const now = nowSeconds();
    const as = await tenant.metadata();
    const claims = await verifyIdToken(tenant.keys, tenant.idTokens, idToken, {
      issuer: as.issuer,
      now,
    });
    checkOrganization(claims, organization);
    return startSession(
      this.context,
      {
        tokens: { ...tokens, id_token: idToken },
        idTokenClaims: claims,
        requested: { audience, scope },
        domain: tenant.address.origin,
        trigger: 'passkey',
      },
      options.storeOptions,
    );
  }

  #realmAndOrganization(options: { connection?: string; organization?: string }) {
    const realm = optionalText(options, 'connection');
    const organization = loginOrganization(options.organization, this.context.organization);
    return { ...(realm ? { realm } : {}), ...(organization ? { organization } : {}) };
  }

  /**
   * The error for a refused passkey grant: `mfa_required` as the refresh path raises it (an
   * {@link MfaRequiredError} with the tenant's token sealed, for `client.mfa`), anything else
   * as `passkey_token_error` (or `invalid_response` for a malformed answer).
   */
  async #refusal(
    cause: unknown,
    tenant: Tenant,
    audience: string | undefined,
    scope: string,
  ): Promise<Error> {
    const mfaRequired = await mfaRequiredErrorOf(cause, this.context.mfaTokens, {
      audience,
      scope,
      domain: tenant.address.origin,
      createdAt: nowSeconds(),
    });
    if (mfaRequired) return mfaRequired;
    const details = tenantErrorOf(cause);
    if (details?.error) {
      return new PasskeyError(
        'passkey_token_error',
        `The tenant refused the passkey sign-in: ${details.error}${details.errorDescription ? ` (${details.errorDescription})` : ''}`,
        {
          cause,
          tenantError: details.error,
          ...(details.errorDescription ? { tenantErrorDescription: details.errorDescription } : {}),
        },
      );
    }
    return new PasskeyError(
      'invalid_response',
      `The passkey grant's response is not a token response: ${(cause as Error).message}`,
      { cause },
    );
  }
}
