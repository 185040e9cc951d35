import { AccessTokenError, Auth0Error, type MfaErrorCode } from '../errors.js';

/** What the tenant required: the factors it accepts, as its `mfa_requirements` body field says. */
export interface MfaRequirements {
  /** Factors the user may use, e.g. `[{ type: 'otp' }, { type: 'email' }]`. */
  challenge?: ReadonlyArray<{ type: string }>;
  /** Factors the user must enrol first. */
  enroll?: ReadonlyArray<{ type: string }>;
}

/**
 * The tenant requires multi-factor authentication before issuing this token (`mfa_required`). Carry
 * `mfaToken` to `client.mfa`: it is the tenant's token sealed with the app's secret (the browser
 * may hold it, but cannot read or alter it), bound to the audience and scope that were asked for,
 * and it expires (`mfaTokenTtl`, default 5 minutes).
 */
export class MfaRequiredError extends AccessTokenError {
  override name = 'MfaRequiredError';
  constructor(
    /** The sealed MFA token, for `client.mfa` calls. */
    readonly mfaToken: string,
    /** What the tenant will accept, when it said. */
    readonly mfaRequirements: MfaRequirements | undefined,
    details: { error?: string; errorDescription?: string } | undefined,
  ) {
    super(
      'mfa_required',
      'The tenant requires multi-factor authentication before issuing this token.',
      details,
    );
  }
}

/** A `client.mfa` call failed. `code` says which step; `tenantError` what the tenant answered. */
export class MfaError extends Auth0Error {
  override name = 'MfaError';
  declare readonly code: MfaErrorCode;
  /** The tenant's `error`, when it answered with one (e.g. `invalid_grant` for a wrong code). */
  readonly tenantError: string | undefined;
  readonly tenantErrorDescription: string | undefined;

  constructor(
    code: MfaErrorCode,
    message: string,
    options: { cause?: unknown; tenantError?: string; tenantErrorDescription?: string } = {},
  ) {
    super(code, message, { cause: options.cause });
    this.tenantError = options.tenantError;
    this.tenantErrorDescription = options.tenantErrorDescription;
  }
}

/** The MFA token is missing, malformed, tampered with, or sealed with another secret. */
export class MfaTokenInvalidError extends MfaError {
  override name = 'MfaTokenInvalidError';
  constructor(message = 'The MFA token is not valid.') {
    super('mfa_token_invalid', message);
  }
}

/** The MFA token is older than `mfaTokenTtl`: ask for a token again to get a fresh one. */
export class MfaTokenExpiredError extends MfaError {
  override name = 'MfaTokenExpiredError';
  constructor() {
    super('mfa_token_expired', 'The MFA token has expired; request the token again.');
  }
}
