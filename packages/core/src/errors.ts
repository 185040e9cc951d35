import { type AccessTokenForConnectionErrorCode, Auth0Error } from '@gatehouse/base';

/**
 * Every error @gatehouse/core throws is an {@link Auth0Error} with a stable string `code`, so
 * callers can switch on it without parsing messages. The family and the errors web apps and APIs
 * both throw come from `@gatehouse/base`; they are re-exported here.
 */
export {
  AccessTokenForConnectionError,
  type AccessTokenForConnectionErrorCode,
  Auth0Error,
  ConfigurationError,
  InvalidArgumentError,
  KeysUnavailableError,
  MissingRequiredArgumentError,
} from '@gatehouse/base';

export type Auth0ErrorCode =
  | 'configuration_error'
  | 'missing_required_argument'
  | 'invalid_argument'
  | 'missing_transaction'
  | 'state_mismatch'
  | 'authorization_error'
  | 'invalid_callback'
  | 'discovery_error'
  | 'token_exchange_error'
  | 'id_token_validation_error'
  | 'userinfo_error'
  | 'par_not_supported'
  | 'par_error'
  | 'session_too_large'
  | 'session_expired'
  | 'my_account_api_error'
  | 'my_account_error'
  | 'backchannel_logout_error'
  | 'keys_unavailable'
  | 'cross_site_request'
  | 'domain_resolver_error'
  | 'organization_token_validation_error'
  | 'start_link_user_error'
  | 'session_refused'
  | 'link_user_mismatch'
  | MfaErrorCode
  | AccessTokenErrorCode
  | AccessTokenForConnectionErrorCode;

/** Codes of {@link AccessTokenError}. */
export type AccessTokenErrorCode =
  | 'missing_session'
  | 'missing_refresh_token'
  | 'refresh_token_error'
  | 'audience_mismatch'
  | 'mfa_required'
  | 'session_expired'
  | 'missing_session_domain'
  | 'domain_mismatch';

/**
 * The callback's `state` matches no login transaction of this browser: the login was started in
 * another browser, the transaction expired, or its cookie was not sent back (a `SameSite` or
 * `Secure` cookie on plain http is the usual cause).
 */
export class MissingTransactionError extends Auth0Error {
  override name = 'MissingTransactionError';
  constructor(message = 'No login transaction matches this callback. Start the login again.') {
    super('missing_transaction', message);
  }
}

/**
 * The tenant answered the authorization request with `error=`. `error` and `errorDescription`
 * carry the tenant's values; never render them into HTML without escaping.
 */
export class AuthorizationError extends Auth0Error {
  override name = 'AuthorizationError';
  constructor(
    readonly error: string,
    readonly errorDescription: string | undefined,
  ) {
    super('authorization_error', `The tenant refused the login: ${error}`);
  }
}

/** Protocol failure talking to the tenant (discovery, code exchange, ID token, userinfo, PAR). */
export class OidcError extends Auth0Error {
  override name = 'OidcError';
  constructor(
    code: Extract<
      Auth0ErrorCode,
      | 'discovery_error'
      | 'token_exchange_error'
      | 'id_token_validation_error'
      | 'userinfo_error'
      | 'par_not_supported'
      | 'par_error'
      | 'invalid_callback'
      | 'state_mismatch'
    >,
    message: string,
    /** The tenant's `error` / `error_description`, when it sent one. */
    readonly details?: { error?: string; errorDescription?: string },
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/**
 * Which check an ID token failed: stable values, for logs and tests. `signature` covers the
 * algorithm, the key (`kid`) and the signature itself.
 */
export type IdTokenCheck =
  | 'format'
  | 'signature'
  | 'typ'
  | 'iss'
  | 'aud'
  | 'azp'
  | 'exp'
  | 'iat'
  | 'nbf'
  | 'sub'
  | 'nonce'
  | 'auth_time';

/**
 * An ID token was refused, at login (`completeInteractiveLogin`) or on a refresh
 * (`getAccessToken`): no session was made, or the session kept its tokens.
 */
export class IdTokenValidationError extends OidcError {
  override name = 'IdTokenValidationError';
  constructor(
    /** Which check failed. */
    readonly check: IdTokenCheck,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super('id_token_validation_error', `The ID token was refused: ${reason}.`, undefined, options);
  }
}

/** A stateless session grew beyond what cookies can carry. */
export class SessionTooLargeError extends Auth0Error {
  override name = 'SessionTooLargeError';
  constructor(bytes: number, maxChunks: number) {
    super(
      'session_too_large',
      `The session needs ${bytes} bytes, more than ${maxChunks} cookies can hold. ` +
        'Use a ServerStateStore (sessions on the server, only an id in the cookie) instead.',
    );
  }
}

/** The session reached the upstream `session_expiry` ceiling; the user must sign in again. */
export class SessionExpiredError extends Auth0Error {
  override name = 'SessionExpiredError';
  constructor(message = 'The session has expired and the user must re-authenticate.') {
    super('session_expired', message);
  }
}

/** An access token could not be returned. */
export class AccessTokenError extends Auth0Error {
  override name = 'AccessTokenError';
  constructor(
    override readonly code: AccessTokenErrorCode,
    message: string,
    /** The tenant's `error` / `error_description`, for `refresh_token_error`. */
    readonly details?: { error?: string; errorDescription?: string },
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** A validation error the My Account API reported for one field. */
export interface MyAccountValidationError {
  detail: string;
  field?: string;
  pointer?: string;
  source?: string;
}

/**
 * The My Account API answered with an RFC 9457 problem (`application/problem+json`): 401 for a
 * missing or expired token, 403 for a missing scope, 400 with `validationErrors` for a bad request.
 */
export class MyAccountApiError extends Auth0Error {
  override name = 'MyAccountApiError';
  constructor(
    override readonly status: number,
    readonly title: string | undefined,
    readonly type: string | undefined,
    readonly detail: string | undefined,
    readonly validationErrors: MyAccountValidationError[] | undefined,
  ) {
    super('my_account_api_error', detail ?? title ?? `My Account API error ${status}`);
  }
}

/** A logout token was refused; nothing was logged out. */
export class BackchannelLogoutError extends Auth0Error {
  override name = 'BackchannelLogoutError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('backchannel_logout_error', message, options);
  }
}

/**
 * A state-changing auth route (logout by POST, connect) was requested from another site
 * (`Sec-Fetch-Site: cross-site` or `same-site`, or an `Origin` that is not the app's): refused, as
 * a cross-site request forgery would be. 403 from the web routes.
 */
export class CrossSiteRequestError extends Auth0Error {
  override name = 'CrossSiteRequestError';
  constructor(
    message: string,
    /** Where a user who meant it can go on from the app's own page (same origin), if anywhere. */
    readonly continueTo?: URL,
  ) {
    super('cross_site_request', message);
  }
}

/**
 * Multiple custom domains: the domain resolver threw, or returned something that is not a domain.
 * Nothing was sent to any host and nothing was stored; the web routes answer 500.
 */
export class DomainResolverError extends Auth0Error {
  override name = 'DomainResolverError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('domain_resolver_error', message, options);
  }
}

/**
 * The ID token of a login into an organization names another organization, or none: no session
 * was made (check `org_id`/`org_name` claims, as Auth0 asks of every app using organizations).
 */
export class OrganizationTokenValidationError extends Auth0Error {
  override name = 'OrganizationTokenValidationError';
  constructor(message: string) {
    super('organization_token_validation_error', message);
  }
}

/** Codes of the MFA API errors (`@gatehouse/core`'s `client.mfa`), as auth0-server-python's. */
export type MfaErrorCode =
  | 'mfa_token_invalid'
  | 'mfa_token_expired'
  | 'mfa_list_authenticators_error'
  | 'mfa_enrollment_error'
  | 'mfa_challenge_error'
  | 'mfa_verify_error';

/**
 * Codes of {@link CustomTokenExchangeError}, as auth0-server-python's; a tenant's own OAuth error
 * (e.g. `invalid_grant` when the exchange profile refuses the token) is passed through as the code.
 */
export type CustomTokenExchangeErrorCode =
  | 'invalid_token_format'
  | 'missing_actor_token_type'
  | 'missing_actor_token'
  | 'token_exchange_failed'
  | 'invalid_response'
  | 'actor_unavailable'
  | (string & {});

/** A custom token exchange (or session transfer) was refused, by the SDK's checks or the tenant. */
export class CustomTokenExchangeError extends Auth0Error {
  override name = 'CustomTokenExchangeError';
  declare readonly code: CustomTokenExchangeErrorCode;
  constructor(code: CustomTokenExchangeErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** Linking or unlinking could not start: no session, no ID token, or another domain's session. */
export class StartLinkUserError extends Auth0Error {
  override name = 'StartLinkUserError';
  constructor(message: string) {
    super('start_link_user_error', message);
  }
}

/** A link or unlink was completed by a login of another user than the one who started it. */
export class LinkUserMismatchError extends Auth0Error {
  override name = 'LinkUserMismatchError';
  constructor() {
    super(
      'link_user_mismatch',
      'The account link was completed by another user than the one who started it; nothing changed.',
    );
  }
}

/** The app's `beforeSessionSaved` hook refused the login (it threw): nothing was stored. */
export class SessionRefusedError extends Auth0Error {
  override name = 'SessionRefusedError';
  constructor(options?: { cause?: unknown }) {
    super('session_refused', 'The application refused this sign-in.', options);
  }
}

/**
 * A silent login (`prompt=none`) came back without a session (`login_required`,
 * `interaction_required`, ...): not a failure to show, the user is simply anonymous. Carries the
 * login's `appState`, to send the browser back where it was.
 */
export class SilentLoginFailedError extends AuthorizationError {
  override name = 'SilentLoginFailedError';
  constructor(
    error: string,
    errorDescription: string | undefined,
    /** The `appState` the silent login was started with. */
    readonly appState: unknown,
  ) {
    super(error, errorDescription);
  }
}

/**
 * An error whose code is the tenant's answer when it gave one, with its `Retry-After` (seconds)
 * when it asked to wait: a rate limit, a poll that came too soon.
 */
export class TenantAnswerError extends Auth0Error {
  constructor(
    code: string,
    message: string,
    /** Seconds the tenant asked to wait before trying again, when it said. */
    readonly retryAfter?: number,
    options?: { cause?: unknown },
  ) {
    super(code as Auth0ErrorCode, message, options);
  }
}

/**
 * Codes of {@link BackchannelAuthenticationError}, as auth0-server-python's; the tenant's own
 * answers pass through: `authorization_pending`, `slow_down`, `access_denied`, `expired_token`,
 * `invalid_grant`, `unknown_user_id`, `invalid_request`, ...
 */
export type BackchannelAuthenticationErrorCode =
  | 'backchannel_error'
  | 'configuration_error'
  | 'invalid_response'
  | 'timeout'
  | (string & {});

/**
 * Client-Initiated Backchannel Authentication (CIBA) failed, or one poll's answer was not tokens
 * yet. `retryAfter` is the tenant's `Retry-After` in seconds, when it sent one (with `slow_down`).
 */
export class BackchannelAuthenticationError extends TenantAnswerError {
  override name = 'BackchannelAuthenticationError';
  declare readonly code: BackchannelAuthenticationErrorCode;
}

/**
 * Codes of the passwordless errors, as auth0-server-python's; the tenant's own answers pass
 * through (`bad.email`, `bad.phone_number`, `bad.connection`, `invalid_grant`, ...).
 */
export type PasswordlessErrorCode =
  | 'too_many_requests'
  | 'passwordless_start_failed'
  | 'passwordless_verify_failed'
  | 'invalid_grant'
  | (string & {});

/** A passwordless call failed. `retryAfter`: seconds to wait, when the tenant rate-limited it. */
export class PasswordlessError extends TenantAnswerError {
  override name = 'PasswordlessError';
  declare readonly code: PasswordlessErrorCode;
}

/** `passwordless.start` failed: no code or link was sent. */
export class PasswordlessStartError extends PasswordlessError {
  override name = 'PasswordlessStartError';
}

/** `passwordless.verify` refused the code (wrong, expired, used or locked) or failed. */
export class PasswordlessVerifyError extends PasswordlessError {
  override name = 'PasswordlessVerifyError';
}
/** Codes of {@link PasskeyError}. */
export type PasskeyErrorCode =
  /** `/passkey/register` or `/passkey/challenge` failed or refused (see `tenantError`). */
  | 'passkey_challenge_error'
  /** The passkey grant at the token endpoint failed or was refused (see `tenantError`). */
  | 'passkey_token_error'
  /** The tenant answered with a body that is not what the step returns. */
  | 'invalid_response';

/**
 * A passkey step failed: the challenge (`passkeySignupChallenge`, `passkeyLoginChallenge`) or the
 * sign-in (`signinWithPasskey`). `tenantError` and `tenantErrorDescription` carry what the tenant
 * answered, e.g. `invalid_grant` for a passkey that did not verify.
 */
export class PasskeyError extends Auth0Error {
  override name = 'PasskeyError';
  declare readonly code: PasskeyErrorCode;
  /** The tenant's `error`, when it refused (e.g. `invalid_request`, `invalid_grant`). */
  readonly tenantError: string | undefined;
  readonly tenantErrorDescription: string | undefined;

  constructor(
    code: PasskeyErrorCode,
    message: string,
    options: { cause?: unknown; tenantError?: string; tenantErrorDescription?: string } = {},
  ) {
    super(code, message, { cause: options.cause });
    this.tenantError = options.tenantError;
    this.tenantErrorDescription = options.tenantErrorDescription;
  }
}

/** Codes of {@link DpopError}. */
export type DpopErrorCode =
  /** A DPoP-bound token request was answered with a Bearer token, or the reverse (a downgrade). */
  | 'dpop_token_type_mismatch'
  /** The tenant or an API requires DPoP, and no `dpop.privateKey` is configured. */
  | 'dpop_key_missing';

/** DPoP (RFC 9449) could not be used as configured. */
export class DpopError extends Auth0Error {
  override name = 'DpopError';
  declare readonly code: DpopErrorCode;
  constructor(code: DpopErrorCode, message: string) {
    super(code, message);
  }
}

/** Codes of {@link AuthenticatedFetchError}. */
export type AuthenticatedFetchErrorCode =
  /** The URL's origin is not one the app mapped to the audience: no token was sent. */
  | 'origin_not_allowed'
  /** The request could not be sent (network, timeout). */
  | 'fetch_failed';

/** `authenticatedFetch` (`req.auth.fetch`) refused to send, or could not. */
export class AuthenticatedFetchError extends Auth0Error {
  override name = 'AuthenticatedFetchError';
  declare readonly code: AuthenticatedFetchErrorCode;
  constructor(code: AuthenticatedFetchErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
