/**
 * The one error family of Gatehouse. Every error a package throws is an {@link Auth0Error} with a
 * stable string `code` to switch on; an error that becomes an HTTP response also carries its
 * `status` and the `headers` to send with it, so a framework integration needs one rule: an
 * `Auth0Error` with a `status` is an answer, anything else goes to the framework's error handling.
 *
 * Each package narrows `code` to its own closed union (`Auth0ErrorCode` in `@gatehouse/core`,
 * `AuthErrorCode` in `@gatehouse/api`); the classes here are the ones both sides throw.
 */

/** Options every error of the family takes. */
export interface Auth0ErrorOptions {
  /** The error that caused this one, for logs; never shown to clients. */
  cause?: unknown;
  /** The HTTP status to answer with, when this error becomes a response. */
  status?: number;
  /** Headers to send with that response, lower-case names. */
  headers?: Record<string, string>;
}

/**
 * Base of every error Gatehouse throws.
 *
 * @example
 * try { await client.getAccessToken({ storeOptions }); }
 * catch (error) {
 *   if (error instanceof Auth0Error && error.code === 'missing_refresh_token') return login();
 *   throw error;
 * }
 */
export class Auth0Error extends Error {
  override name = 'Auth0Error';
  /** Stable machine-readable code. */
  readonly code: string;
  /** The HTTP status this error is answered with; undefined for errors that are not responses. */
  readonly status: number | undefined;
  #headers: Record<string, string>;

  constructor(code: string, message: string, options: Auth0ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.#headers = options.headers ?? {};
  }

  /**
   * Response headers to send with {@link status}, lower-case names. An accessor, so that a
   * subclass can build its headers when first read rather than whenever it is thrown.
   */
  get headers(): Record<string, string> {
    return this.#headers;
  }

  set headers(headers: Record<string, string>) {
    this.#headers = headers;
  }
}

/**
 * An option is wrong; thrown where the option is given (a constructor, `auth()`, `register`),
 * never at the first request. Not a response: it is a bug to fix, not an answer to send.
 */
export class ConfigurationError extends Auth0Error {
  override name = 'ConfigurationError';
  declare readonly code: 'configuration_error';

  constructor(
    /** The option at fault, e.g. `secret`, `authorizationParams.redirect_uri` or `dpop.mode`. */
    readonly option: string,
    message: string,
  ) {
    super('configuration_error', `${option}: ${message}`);
  }
}

/** A method was called without an argument it needs (HTTP 400). */
export class MissingRequiredArgumentError extends Auth0Error {
  override name = 'MissingRequiredArgumentError';
  declare readonly code: 'missing_required_argument';

  constructor(
    /** The argument that is missing or unusable, e.g. `accessToken`. */
    readonly argument: string,
    message = `The argument '${argument}' is required but was not provided.`,
  ) {
    super('missing_required_argument', message, { status: 400 });
  }
}

/** A method was called with an argument it cannot use (HTTP 400). */
export class InvalidArgumentError extends Auth0Error {
  override name = 'InvalidArgumentError';
  declare readonly code: 'invalid_argument';

  constructor(
    /** The argument at fault. */
    readonly argument: string,
    message: string,
  ) {
    super('invalid_argument', message, { status: 400 });
  }
}

/**
 * The issuer's signing keys could not be fetched and no last-known-good keys are left (HTTP 503):
 * a fault on our side or the tenant's, so nobody is told their token is bad.
 */
export class KeysUnavailableError extends Auth0Error {
  override name = 'KeysUnavailableError';
  declare readonly code: 'keys_unavailable';

  constructor(options: { message: string; retryAfter: number; cause?: unknown }) {
    super('keys_unavailable', options.message, {
      cause: options.cause,
      status: 503,
      headers: { 'retry-after': String(Math.max(1, Math.ceil(options.retryAfter))) },
    });
  }
}

/**
 * A token names a `kid` its issuer does not publish (after the refetch the key cache allows).
 * Each side turns it into its own refusal: `invalid_token` for an API, a refused login for a web
 * app.
 */
export class UnknownKeyError extends Auth0Error {
  override name = 'UnknownKeyError';
  declare readonly code: 'unknown_key';

  constructor(message: string) {
    super('unknown_key', message);
  }
}

/** Codes of {@link AccessTokenForConnectionError}, as auth0-server-python names them. */
export type AccessTokenForConnectionErrorCode =
  /** No session to take a refresh token from (web apps). */
  | 'missing_session'
  /** The session has no refresh token to exchange (web apps). */
  | 'missing_refresh_token'
  /** The tenant answered with an OAuth error, e.g. `invalid_grant` when nothing is connected. */
  | 'api_error'
  /** The request failed, or the tenant's answer was not a usable token response. */
  | 'retrieval_error'
  /** Multiple custom domains: the session records no domain (web apps). */
  | 'missing_session_domain'
  /** Multiple custom domains: the session was created on another domain than the request's (web apps). */
  | 'domain_mismatch';

/**
 * A Token Vault exchange (an upstream provider's access token for a connection) failed. An
 * exchange the tenant refused or that failed on the way is answered with 502 when it reaches a
 * response: the upstream failed, not the client. `tenantError` and
 * `tenantErrorDescription` repeat what the tenant said, for logs and for deciding what to do.
 */
export class AccessTokenForConnectionError extends Auth0Error {
  override name = 'AccessTokenForConnectionError';
  declare readonly code: AccessTokenForConnectionErrorCode;
  /** The tenant's `error`, when it answered with one (`api_error`). */
  readonly tenantError: string | undefined;
  /** The tenant's `error_description`, when it answered with one. */
  readonly tenantErrorDescription: string | undefined;

  constructor(
    code: AccessTokenForConnectionErrorCode,
    message: string,
    options: { cause?: unknown; tenantError?: string; tenantErrorDescription?: string } = {},
  ) {
    const upstream = code === 'api_error' || code === 'retrieval_error';
    super(code, message, { cause: options.cause, status: upstream ? 502 : undefined });
    this.tenantError = options.tenantError;
    this.tenantErrorDescription = options.tenantErrorDescription;
  }

  /**
   * The tenant's error as `{ error, errorDescription }`, the shape of core's other tenant errors.
   * @deprecated Read `tenantError` and `tenantErrorDescription`.
   */
  get details(): { error?: string; errorDescription?: string } | undefined {
    if (this.tenantError === undefined) return undefined;
    return { error: this.tenantError, errorDescription: this.tenantErrorDescription };
  }
}
