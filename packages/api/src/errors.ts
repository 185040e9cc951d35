import {
  AccessTokenForConnectionError,
  type AccessTokenForConnectionErrorCode,
  Auth0Error,
  ConfigurationError,
  KeysUnavailableError,
  MissingRequiredArgumentError,
} from '@gatehouse/base';
import { bearerChallenge } from './challenge.js';

export {
  AccessTokenForConnectionError,
  type AccessTokenForConnectionErrorCode,
  ConfigurationError,
  KeysUnavailableError,
  MissingRequiredArgumentError,
};

/**
 * Why a token was refused: the `code` of a {@link VerifyAccessTokenError} (HTTP 401,
 * `error="invalid_token"`, RFC 6750 §3.1).
 */
export type VerifyAccessTokenErrorCode =
  | 'token_too_large'
  | 'malformed_token'
  | 'unsupported_algorithm'
  | 'unsupported_critical_header'
  | 'missing_key_id'
  | 'invalid_token_type'
  | 'invalid_issuer'
  | 'invalid_audience'
  | 'invalid_claim'
  | 'missing_claim'
  | 'token_expired'
  | 'token_not_yet_valid'
  | 'token_too_old'
  | 'unknown_key'
  | 'key_mismatch'
  | 'invalid_signature'
  | 'claim_validation_failed'
  | 'dpop_bound_token'
  | 'dpop_binding_mismatch'
  | 'verification_failed';

/** Why a DPoP proof was refused: the `code` of an {@link InvalidDpopProofError} (RFC 9449 §4.3). */
export type InvalidDpopProofErrorCode =
  | 'invalid_dpop_proof'
  | 'dpop_proof_replayed'
  | 'dpop_method_mismatch'
  | 'dpop_url_mismatch'
  | 'dpop_ath_mismatch'
  | 'dpop_iat_out_of_window';

/**
 * Every code this package throws: a closed set, so callers can `switch` on `error.code` without
 * parsing messages.
 */
export type AuthErrorCode =
  | VerifyAccessTokenErrorCode
  | InvalidDpopProofErrorCode
  | AccessTokenForConnectionErrorCode
  | 'missing_authorization'
  | 'invalid_request'
  | 'invalid_auth_scheme'
  | 'missing_required_argument'
  | 'use_dpop_nonce'
  | 'insufficient_scope'
  | 'keys_unavailable'
  | 'domains_resolver_error'
  | 'configuration_error';

/** The OAuth error codes that go into a `WWW-Authenticate` challenge (RFC 6750 §3.1, RFC 9449 §7.1). */
export type OAuthChallengeError =
  | 'invalid_request'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce';

/**
 * What is said to the client about each code: a fixed vocabulary, never built from the token, so no
 * attacker-supplied byte reaches a response header (pitfall §4.2.4 of the reference). Every string
 * keeps to the RFC 6750 §3 `error_description` characters.
 */
const DESCRIPTIONS: Record<AuthErrorCode, string> = {
  token_too_large: 'The access token is too large',
  malformed_token: 'The access token is malformed',
  unsupported_algorithm: 'The access token is signed with an algorithm that is not allowed',
  unsupported_critical_header: 'The access token has a critical header that is not supported',
  missing_key_id: 'The access token has no key id',
  invalid_token_type: 'The access token has the wrong type',
  invalid_issuer: 'The access token issuer is not accepted',
  invalid_audience: 'The access token is not meant for this API',
  invalid_claim: 'The access token has a claim of the wrong type',
  missing_claim: 'The access token lacks a required claim',
  token_expired: 'The access token expired',
  token_not_yet_valid: 'The access token is not valid yet',
  token_too_old: 'The access token is too old',
  unknown_key: 'The access token is signed with an unknown key',
  key_mismatch: 'The access token algorithm does not match its key',
  invalid_signature: 'The access token signature is invalid',
  claim_validation_failed: 'The access token was refused by a claim check',
  dpop_bound_token: 'The access token is bound to a DPoP key and needs the DPoP scheme',
  dpop_binding_mismatch: 'The DPoP proof key does not match the access token binding',
  verification_failed: 'The access token could not be verified',
  invalid_dpop_proof: 'The DPoP proof is invalid',
  dpop_proof_replayed: 'The DPoP proof was already used',
  dpop_method_mismatch: 'The DPoP proof is for another HTTP method',
  dpop_url_mismatch: 'The DPoP proof is for another URL',
  dpop_ath_mismatch: 'The DPoP proof is for another access token',
  dpop_iat_out_of_window: 'The DPoP proof is too old or from the future',
  api_error: 'The Token Vault refused the exchange',
  retrieval_error: 'The Token Vault request failed',
  missing_session: 'No session',
  missing_refresh_token: 'No refresh token',
  missing_session_domain: 'No session domain',
  domain_mismatch: 'The session is of another domain',
  missing_authorization: '',
  invalid_request: 'The Authorization header is malformed',
  invalid_auth_scheme: 'The authorization scheme is not accepted here',
  missing_required_argument: 'A required argument is missing',
  use_dpop_nonce: 'The resource server requires a nonce in the DPoP proof',
  insufficient_scope: 'The access token lacks a required scope',
  keys_unavailable: 'The signing keys of the issuer are unavailable',
  domains_resolver_error: 'The allowed issuers could not be resolved',
  configuration_error: 'The API client is misconfigured',
};

/** Options every error of this package takes. */
interface AuthErrorOptions {
  /** A message for developers and logs; never sent to clients. Default: the description. */
  message?: string;
  cause?: unknown;
}

/**
 * Base of the refusals this package defines: an {@link Auth0Error} that is always an HTTP answer,
 * with a fixed, header-safe `description` and, for challenges, the OAuth `error` code. The shared
 * errors it also throws (`MissingRequiredArgumentError`, `KeysUnavailableError`,
 * `AccessTokenForConnectionError`) come from `@gatehouse/base`; {@link oauthErrorOf} and
 * {@link descriptionOf} describe those too. `message` is for logs.
 *
 * @example
 * try { await api.verifyRequest(request); }
 * catch (error) {
 *   if (error instanceof Auth0Error && error.status) reply.status(error.status).headers(error.headers).send(refusalBody(error));
 *   else throw error;
 * }
 */
export abstract class AuthError extends Auth0Error {
  declare readonly code: AuthErrorCode;
  /** The HTTP status to answer with. */
  declare readonly status: number;
  /** The OAuth error code for the challenge, if the challenge carries one. */
  readonly error?: OAuthChallengeError;
  /** A fixed, header-safe description of `code`: never built from the request. */
  readonly description: string;

  constructor(
    code: AuthErrorCode,
    status: number,
    options: AuthErrorOptions & { headers?: Record<string, string> } = {},
  ) {
    super(code, options.message ?? DESCRIPTIONS[code], {
      cause: options.cause,
      status,
      headers: options.headers,
    });
    this.description = DESCRIPTIONS[code];
  }
}

/**
 * Errors answered with a `WWW-Authenticate` challenge. The `ApiClient` that refuses a request sets
 * the challenge once, from its configuration and the scheme the request used (`refusalOf` in
 * `refusal.ts`); an error made elsewhere gets a plain Bearer challenge the first time its headers
 * are read, never on construction.
 */
abstract class ChallengeError extends AuthError {
  /** The `scope=` of the challenge, for `insufficient_scope`. */
  protected challengeScope(): readonly string[] | undefined {
    return undefined;
  }

  override get headers(): Record<string, string> {
    const headers = super.headers;
    if (headers['www-authenticate'] !== undefined) return headers;
    const withChallenge = {
      ...headers,
      'www-authenticate': bearerChallenge({
        error: this.error,
        description: this.description,
        scope: this.challengeScope(),
      }),
    };
    super.headers = withChallenge;
    return withChallenge;
  }

  override set headers(headers: Record<string, string>) {
    super.headers = headers;
  }
}

/**
 * The access token was refused (RFC 6750 §3.1 `invalid_token`, HTTP 401). Thrown by
 * `verifyAccessToken` and `verifyRequest`, as auth0-api-python's `VerifyAccessTokenError`.
 */
export class VerifyAccessTokenError extends ChallengeError {
  override readonly name = 'VerifyAccessTokenError';
  override readonly error = 'invalid_token' as const;
  declare readonly code: VerifyAccessTokenErrorCode;

  constructor(code: VerifyAccessTokenErrorCode, options?: AuthErrorOptions) {
    super(code, 401, options);
  }
}

/**
 * The request carries no credentials we recognise: no `Authorization` header, or another scheme.
 * HTTP 401 with a bare challenge and no `error`, as RFC 6750 §3.1 asks (auth0-api-python answers 400).
 */
export class MissingAuthorizationError extends ChallengeError {
  override readonly name = 'MissingAuthorizationError';

  constructor(options?: AuthErrorOptions) {
    super('missing_authorization', 401, { message: 'No access token in the request', ...options });
  }
}

/** The request is malformed (RFC 6750 §3.1 `invalid_request`, HTTP 400). */
export class InvalidRequestError extends ChallengeError {
  override readonly name = 'InvalidRequestError';
  override readonly error = 'invalid_request' as const;
  declare readonly code: 'invalid_request' | 'invalid_auth_scheme';

  constructor(code: 'invalid_request' | 'invalid_auth_scheme', options?: AuthErrorOptions) {
    super(code, 400, options);
  }
}

/** The DPoP proof was refused (RFC 9449 §4.3, `invalid_dpop_proof`, HTTP 400 as in Python). */
export class InvalidDpopProofError extends ChallengeError {
  override readonly name = 'InvalidDpopProofError';
  override readonly error = 'invalid_dpop_proof' as const;
  declare readonly code: InvalidDpopProofErrorCode;

  constructor(code: InvalidDpopProofErrorCode, options?: AuthErrorOptions) {
    super(code, 400, options);
  }
}

/**
 * The DPoP proof lacks a current server nonce (RFC 9449 §9): HTTP 401, `error="use_dpop_nonce"`,
 * and the nonce to use in `headers['dpop-nonce']`.
 */
export class UseDpopNonceError extends ChallengeError {
  override readonly name = 'UseDpopNonceError';
  override readonly error = 'use_dpop_nonce' as const;

  constructor(
    /** The nonce the client must put in its next proof. */
    readonly nonce: string,
  ) {
    super('use_dpop_nonce', 401, { headers: { 'dpop-nonce': nonce } });
  }
}

/**
 * The token is valid but lacks a scope (RFC 6750 §3.1 `insufficient_scope`, HTTP 403); the
 * challenge names the scopes needed in `scope=`.
 */
export class InsufficientScopeError extends ChallengeError {
  override readonly name = 'InsufficientScopeError';
  override readonly error = 'insufficient_scope' as const;

  constructor(
    /** The scopes the request needs (all of them, or any one with `match: 'any'`). */
    readonly scopes: readonly string[],
  ) {
    super('insufficient_scope', 403);
  }

  protected override challengeScope(): readonly string[] {
    return this.scopes;
  }
}

/** The `domains` resolver threw or returned something other than a list of domains (HTTP 500). */
export class DomainsResolverError extends AuthError {
  override readonly name = 'DomainsResolverError';

  constructor(options?: AuthErrorOptions) {
    super('domains_resolver_error', 500, options);
  }
}

/**
 * The OAuth error code of an error this package answers with: its own for an {@link AuthError},
 * `invalid_request` for a missing argument, none otherwise.
 */
export function oauthErrorOf(error: Auth0Error): OAuthChallengeError | undefined {
  if (error instanceof AuthError) return error.error;
  return error instanceof MissingRequiredArgumentError ? 'invalid_request' : undefined;
}

/** The fixed, client-safe description of an error's code; never its message. */
export function descriptionOf(error: Auth0Error): string {
  if (error instanceof AuthError) return error.description;
  return DESCRIPTIONS[error.code as AuthErrorCode] ?? 'The request was refused';
}
