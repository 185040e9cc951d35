import * as oauth from 'oauth4webapi';
import { nowSeconds } from '../clock.js';
import { DpopError } from '../errors.js';
import { tenantErrorOf } from '../oidc/context.js';
import type { TenantDomains } from '../oidc/domains.js';
import { verifyIdToken } from '../oidc/id-token.js';
import type { Tenant } from '../oidc/tenant.js';
import { callTenantApi, type TenantApiAnswer, withClientAuth } from '../oidc/tenant-api.js';
import { withoutIdToken } from '../oidc/token-response.js';
import { DEFAULT_AUDIENCE, type TokenSet } from '../session/model.js';
import { applyTokenUpdate, tokenSetFor } from '../session/token-sets.js';
import type { Sessions } from '../stores/sessions.js';
import { MfaError } from './errors.js';
import type { MfaTokenContext, MfaTokens } from './mfa-token.js';

/** Auth0's MFA grants (the token endpoint's `grant_type`). */
const GRANTS = {
  otp: 'http://auth0.com/oauth/grant-type/mfa-otp',
  oob: 'http://auth0.com/oauth/grant-type/mfa-oob',
  recoveryCode: 'http://auth0.com/oauth/grant-type/mfa-recovery-code',
} as const;

/** An authenticator the user has enrolled (`GET /mfa/authenticators`). */
export interface Authenticator {
  id: string;
  authenticatorType: 'otp' | 'oob' | 'recovery-code' | (string & {});
  /** For `oob`: `sms`, `voice`, `email`, `auth0` (push). */
  oobChannel?: string;
  name?: string;
  active: boolean;
}

/** What enrolling gives back: a TOTP secret to show as a QR code, or an out-of-band code's id. */
export type Enrollment =
  | { authenticatorType: 'otp'; secret: string; barcodeUri: string; recoveryCodes: string[] }
  | {
      authenticatorType: 'oob';
      oobChannel: string;
      oobCode: string;
      bindingMethod: string | undefined;
      recoveryCodes: string[];
    };

/** A challenge sent: for `oob`, the code to verify with once the user has the binding code. */
export interface MfaChallenge {
  challengeType: 'otp' | 'oob';
  oobCode?: string;
  bindingMethod?: string;
}

/** Options of {@link MfaClient.verify}: the MFA token and one proof. */
export type MfaVerifyOptions<TStoreOptions> = {
  mfaToken: string;
  /** Store the new tokens in the session (which must exist), so `getAccessToken` finds them. */
  persist?: boolean;
  storeOptions?: TStoreOptions;
} & (
  | { otp: string; oobCode?: never; bindingCode?: never; recoveryCode?: never }
  | { oobCode: string; bindingCode?: string; otp?: never; recoveryCode?: never }
  | { recoveryCode: string; otp?: never; oobCode?: never; bindingCode?: never }
);

/** What a successful verification gives: the token asked for, and a new recovery code if any. */
export interface MfaVerifyResult {
  tokenSet: TokenSet;
  /** A new recovery code, when a recovery code was used: show it to the user once. */
  recoveryCode: string | undefined;
}

/** What the MFA client needs from the client that owns it. */
export interface MfaClientContext<TStoreOptions> {
  domains: TenantDomains<TStoreOptions>;
  tokens: MfaTokens;
  sessions: Sessions<TStoreOptions>;
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/**
 * Auth0's MFA API for a user the tenant asked to step up (`MfaRequiredError`): list, enrol and
 * challenge authenticators, then verify a code to get the token that needed MFA. Every method takes
 * the sealed `mfaToken` of the error, and talks to the domain that issued it. (`client.mfa`.)
 */
export interface MfaClient<TStoreOptions> {
  /** The authenticators the user has enrolled. */
  listAuthenticators(options: { mfaToken: string }): Promise<Authenticator[]>;
  /** Enrols a factor: `otp` (an authenticator app), `sms`, `voice` or `email`. */
  enrollAuthenticator(options: {
    mfaToken: string;
    factorType: 'otp' | 'sms' | 'voice' | 'email';
    phoneNumber?: string;
    email?: string;
  }): Promise<Enrollment>;
  /** Starts a challenge: `otp` (the user reads their app), or `oob` (a code is sent). */
  challengeAuthenticator(options: {
    mfaToken: string;
    challengeType: 'otp' | 'oob';
    authenticatorId?: string;
  }): Promise<MfaChallenge>;
  /**
   * Verifies a code (`otp`, `oobCode` with `bindingCode`, or `recoveryCode`) and gets the token
   * that needed MFA; with `persist`, the new tokens go into the session.
   */
  verify(options: MfaVerifyOptions<TStoreOptions>): Promise<MfaVerifyResult>;
}

/** {@link MfaClient} over the tenant domains of one `ServerClient`. */
export class TenantMfaClient<TStoreOptions> implements MfaClient<TStoreOptions> {
  constructor(private readonly context: MfaClientContext<TStoreOptions>) {}

  /** The authenticators the user has enrolled. */
  async listAuthenticators(options: { mfaToken: string }): Promise<Authenticator[]> {
    const { context, tenant } = await this.#open(options.mfaToken);
    const body = await this.#call(tenant, 'mfa_list_authenticators_error', '/mfa/authenticators', {
      headers: { authorization: `Bearer ${context.mfaToken}` },
    });
    if (!Array.isArray(body)) throw invalid('mfa_list_authenticators_error');
    return body.flatMap((entry) => {
      const id = text(entry?.id);
      const type = text(entry?.authenticator_type);
      if (!id || !type) return [];
      const channel = text(entry.oob_channel);
      const name = text(entry.name);
      return [
        {
          id,
          authenticatorType: type,
          ...(channel ? { oobChannel: channel } : {}),
          ...(name ? { name } : {}),
          active: entry.active !== false,
        },
      ];
    });
  }

  /** Enrols a factor: `otp` (an authenticator app), `sms`, `voice` or `email`. */
  async enrollAuthenticator(options: {
    mfaToken: string;
    factorType: 'otp' | 'sms' | 'voice' | 'email';
    phoneNumber?: string;
    email?: string;
  }): Promise<Enrollment> {
    const { context, tenant } = await this.#open(options.mfaToken);
    const request =
      options.factorType === 'otp'
        ? { authenticator_types: ['otp'] }
        : {
            authenticator_types: ['oob'],
            oob_channels: [options.factorType],
            ...(options.phoneNumber ? { phone_number: options.phoneNumber } : {}),
            ...(options.email ? { email: options.email } : {}),
          };
    const body = await this.#call(tenant, 'mfa_enrollment_error', '/mfa/associate', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${context.mfaToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(request),
    });
    const recoveryCodes = Array.isArray(body?.recovery_codes)
      ? body.recovery_codes.filter((code: unknown) => typeof code === 'string')
      : [];
    if (body?.authenticator_type === 'otp' && text(body.secret) && text(body.barcode_uri)) {
      return {
        authenticatorType: 'otp',
        secret: body.secret,
        barcodeUri: body.barcode_uri,
        recoveryCodes,
      };
    }
    if (body?.authenticator_type === 'oob' && text(body.oob_code)) {
      return {
        authenticatorType: 'oob',
        oobChannel: text(body.oob_channel) ?? options.factorType,
        oobCode: body.oob_code,
        bindingMethod: text(body.binding_method),
        recoveryCodes,
      };
    }
    throw invalid('mfa_enrollment_error');
  }

  /** Starts a challenge: `otp` (the user reads their app), or `oob` (a code is sent). */
  async challengeAuthenticator(options: {
    mfaToken: string;
    challengeType: 'otp' | 'oob';
    authenticatorId?: string;
  }): Promise<MfaChallenge> {
    const { context, tenant } = await this.#open(options.mfaToken);
    // The client authenticates in the body (`client_secret` or a client assertion), as Auth0's
    // /mfa/challenge takes it.
    const request = await withClientAuth(tenant, {
      mfa_token: context.mfaToken,
      challenge_type: options.challengeType,
      ...(options.authenticatorId ? { authenticator_id: options.authenticatorId } : {}),
    });
    const body = await this.#call(tenant, 'mfa_challenge_error', '/mfa/challenge', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
    const type = body?.challenge_type;
    if (type !== 'otp' && type !== 'oob') throw invalid('mfa_challenge_error');
    const oobCode = text(body.oob_code);
    const bindingMethod = text(body.binding_method);
    return {
      challengeType: type,
      ...(oobCode ? { oobCode } : {}),
      ...(bindingMethod ? { bindingMethod } : {}),
    };
  }

  /**
   * Verifies a code (`otp`, `oobCode` with `bindingCode`, or `recoveryCode`) and gets the token
   * that needed MFA, for the audience and scope it was asked for. With `persist`, the new tokens
   * go into the session (its ID token checked against the session's user first).
   */
  async verify(options: MfaVerifyOptions<TStoreOptions>): Promise<MfaVerifyResult> {
    const { context, tenant } = await this.#open(options.mfaToken);
    const [grant, parameters] = proofOf(options);
    if (options.persist && options.storeOptions === undefined) {
      throw new MfaError(
        'mfa_verify_error',
        'persist needs storeOptions: the session to store into.',
      );
    }
    const session = options.persist
      ? await this.context.sessions.peek(options.storeOptions as TStoreOptions)
      : undefined;
    if (options.persist && !session) {
      throw new MfaError('mfa_verify_error', 'There is no session to store the tokens in.');
    }
    const tenantContext = await tenant.context();
    let parted: Awaited<ReturnType<typeof withoutIdToken>>;
    let tokens: oauth.TokenEndpointResponse;
    try {
      const response = await oauth.genericTokenEndpointRequest(
        tenantContext.as,
        tenantContext.client,
        tenantContext.clientAuth,
        grant,
        new URLSearchParams({ mfa_token: context.mfaToken, ...parameters }),
        tenantContext.http,
      );
      parted = await withoutIdToken(response);
      tokens = await oauth.processGenericTokenEndpointResponse(
        tenantContext.as,
        tenantContext.client,
        parted.response,
      );
    } catch (cause) {
      if (cause instanceof DpopError) throw cause;
      const details = tenantErrorOf(cause);
      throw new MfaError(
        'mfa_verify_error',
        `The tenant refused the verification: ${details?.error ?? (cause as Error).message}`,
        { cause, tenantError: details?.error, tenantErrorDescription: details?.errorDescription },
      );
    }
    const now = nowSeconds();
    if (parted.idToken !== undefined) {
      await verifyIdToken(tenant.keys, tenant.idTokens, parted.idToken, {
        issuer: tenantContext.as.issuer,
        now,
        ...(session ? { previous: { sub: session.user.sub } } : {}),
      });
    }
    const tokenSet = tokenSetFor({
      audience: context.audience ?? DEFAULT_AUDIENCE,
      accessToken: tokens.access_token,
      grantedScope: tokens.scope,
      requestedScope: context.scope,
      expiresAt: now + (tokens.expires_in ?? 3600),
      tokenType: tokens.token_type,
    });
    if (session) {
      const update = {
        tokenSet,
        ...(tokens.refresh_token ? { refreshToken: tokens.refresh_token } : {}),
        ...(typeof parted.idToken === 'string' ? { idToken: parted.idToken } : {}),
      };
      await this.context.sessions.save(
        applyTokenUpdate(session, update, now),
        options.storeOptions as TStoreOptions,
      );
    }
    return { tokenSet, recoveryCode: text((tokens as Record<string, unknown>).recovery_code) };
  }

  /** The context of a sealed MFA token, and the tenant of the domain that issued it. */
  async #open(sealed: string): Promise<{ context: MfaTokenContext; tenant: Tenant }> {
    const context = await this.context.tokens.open(sealed, nowSeconds());
    const tenant = this.context.domains.atOrigin(context.domain);
    if (!tenant) throw new MfaError('mfa_token_invalid', 'The MFA token is of another tenant.');
    return { context, tenant };
  }

  /** One MFA API request: a JSON answer, or the tenant's error as an {@link MfaError}. */
  async #call(
    tenant: Tenant,
    code: Exclude<MfaError['code'], 'mfa_token_invalid' | 'mfa_token_expired' | 'mfa_verify_error'>,
    path: string,
    init: RequestInit,
    // biome-ignore lint/suspicious/noExplicitAny: a JSON body, checked field by field by each caller.
  ): Promise<any> {
    let answer: TenantApiAnswer;
    try {
      answer = await callTenantApi(tenant, path, init);
    } catch (cause) {
      throw new MfaError(code, `The MFA request failed: ${(cause as Error).message}`, { cause });
    }
    if (!answer.ok) {
      const { error, errorDescription } = answer;
      throw new MfaError(code, `The tenant answered ${answer.status}: ${error ?? 'an error'}`, {
        ...(error ? { tenantError: error } : {}),
        ...(errorDescription ? { tenantErrorDescription: errorDescription } : {}),
      });
    }
    return answer.body;
  }
}

const invalid = (code: MfaError['code']) =>
  new MfaError(code, 'The tenant answered with an unexpected body.');

/** The grant and parameters of the one proof given: `otp`, then `oobCode`, then `recoveryCode`. */
function proofOf(options: {
  otp?: string;
  oobCode?: string;
  bindingCode?: string;
  recoveryCode?: string;
}): [string, Record<string, string>] {
  if (options.otp) return [GRANTS.otp, { otp: options.otp }];
  if (options.oobCode) {
    return [
      GRANTS.oob,
      {
        oob_code: options.oobCode,
        ...(options.bindingCode ? { binding_code: options.bindingCode } : {}),
      },
    ];
  }
  if (options.recoveryCode) return [GRANTS.recoveryCode, { recovery_code: options.recoveryCode }];
  throw new MfaError('mfa_verify_error', 'Give otp, oobCode or recoveryCode.');
}
