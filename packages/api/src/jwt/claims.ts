import type { JsonObject } from '@gatehouse/base';
import { VerifyAccessTokenError } from '../errors.js';

/**
 * The claims of a verified access token (RFC 9068 §2.2, plus Auth0's `permissions` and `azp`).
 * Registered claims are type-checked before this type is handed out.
 */
export interface AccessTokenClaims {
  /** Issuer: the tenant, e.g. `https://tenant.auth0.com/`. */
  iss: string;
  /** Audience: the API identifier(s) the token is for. */
  aud: string | string[];
  /** Expiry, seconds since the epoch. */
  exp: number;
  /** Issue time, seconds since the epoch. */
  iat: number;
  /** Not-before time, seconds since the epoch. */
  nbf?: number;
  /** Subject: the user, or `<client_id>@clients` for machine-to-machine tokens. */
  sub?: string;
  /** Space-separated scopes granted (RFC 8693 §4.2). */
  scope?: string;
  /** Auth0 RBAC permissions, when the API enables "Add Permissions in the Access Token". */
  permissions?: string[];
  /** The client the token was issued to (RFC 9068 §2.2). */
  client_id?: string;
  /** Authorized party: Auth0 names the client here too. */
  azp?: string;
  /** Token identifier. */
  jti?: string;
  /** Confirmation (RFC 7800); `jkt` binds the token to a DPoP key (RFC 9449 §6.1). */
  cnf?: { jkt?: string; [member: string]: unknown };
  [claim: string]: unknown;
}

/** The claim rules of one client, from its options. */
export interface ClaimsPolicy {
  audiences: readonly string[];
  /** Seconds of clock skew allowed on `exp`, `nbf` and `iat`. */
  clockTolerance: number;
  /** Seconds after `iat` a token stops being accepted, if set. */
  maxTokenAge: number | undefined;
  /** RFC 9068 profile: `sub`, `client_id` and `jti` required. */
  strict: boolean;
}

const isNumericDate = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

const fail = (code: 'invalid_claim' | 'missing_claim', claim: string) =>
  new VerifyAccessTokenError(code, {
    message:
      code === 'missing_claim'
        ? `The access token has no '${claim}' claim`
        : `The access token's '${claim}' claim has the wrong type`,
  });

/** Optional claims that must be strings when present (array `sub`/`jti` confusion, CVE-2025-30144). */
const STRING_CLAIMS = ['sub', 'jti', 'client_id', 'azp', 'scope'];

/**
 * Type-checks the claims and checks `aud` (RFC 7519 §4.1). Times are checked apart, by
 * {@link checkTimes}, so that cached tokens can be re-checked without the rest. `iss` is checked by
 * the issuer policy, which may need the request.
 */
export function checkClaimTypes(payload: JsonObject, policy: ClaimsPolicy): AccessTokenClaims {
  for (const claim of ['iss', 'aud', 'exp', 'iat']) {
    if (payload[claim] === undefined) throw fail('missing_claim', claim);
  }
  if (typeof payload.iss !== 'string') throw fail('invalid_claim', 'iss');
  const { aud } = payload;
  if (!(typeof aud === 'string' || (isStringArray(aud) && aud.length > 0))) {
    throw fail('invalid_claim', 'aud');
  }
  for (const claim of ['exp', 'iat', 'nbf']) {
    if (payload[claim] !== undefined && !isNumericDate(payload[claim])) {
      throw fail('invalid_claim', claim);
    }
  }
  for (const claim of STRING_CLAIMS) {
    if (payload[claim] !== undefined && typeof payload[claim] !== 'string') {
      throw fail('invalid_claim', claim);
    }
  }
  if (payload.permissions !== undefined && !isStringArray(payload.permissions)) {
    throw fail('invalid_claim', 'permissions');
  }
  const { cnf } = payload;
  if (
    cnf !== undefined &&
    (typeof cnf !== 'object' ||
      cnf === null ||
      Array.isArray(cnf) ||
      ((cnf as JsonObject).jkt !== undefined && typeof (cnf as JsonObject).jkt !== 'string'))
  ) {
    throw fail('invalid_claim', 'cnf');
  }
  if (policy.strict) {
    for (const claim of ['sub', 'client_id', 'jti']) {
      if (payload[claim] === undefined) throw fail('missing_claim', claim);
    }
  }
  const audiences = typeof aud === 'string' ? [aud] : aud;
  if (!audiences.some((value) => policy.audiences.includes(value))) {
    throw new VerifyAccessTokenError('invalid_audience');
  }
  return payload as AccessTokenClaims;
}

/**
 * Checks `exp`, `nbf`, `iat` and the maximum token age against `now` (seconds), each with the clock
 * tolerance (RFC 7519 §4.1.4, §4.1.5; RFC 9068 §4).
 */
export function checkTimes(claims: AccessTokenClaims, policy: ClaimsPolicy, now: number): void {
  const tolerance = policy.clockTolerance;
  if (now >= claims.exp + tolerance) throw new VerifyAccessTokenError('token_expired');
  if (claims.nbf !== undefined && claims.nbf > now + tolerance) {
    throw new VerifyAccessTokenError('token_not_yet_valid');
  }
  if (claims.iat > now + tolerance) {
    throw new VerifyAccessTokenError('token_not_yet_valid', {
      message: 'The access token was issued in the future',
    });
  }
  if (policy.maxTokenAge !== undefined && now - claims.iat > policy.maxTokenAge + tolerance) {
    throw new VerifyAccessTokenError('token_too_old');
  }
}

/** The last moment (seconds) {@link checkTimes} accepts the token: a cache entry must not outlive it. */
export function acceptedUntil(claims: AccessTokenClaims, policy: ClaimsPolicy): number {
  const byExpiry = claims.exp + policy.clockTolerance;
  return policy.maxTokenAge === undefined
    ? byExpiry
    : Math.min(byExpiry, claims.iat + policy.maxTokenAge + policy.clockTolerance);
}

/** Checks the claims a call requires by name (auth0-api-python's `required_claims`). */
export function checkRequiredClaims(claims: AccessTokenClaims, required: readonly string[]): void {
  for (const claim of required) {
    if (!Object.hasOwn(claims, claim)) throw fail('missing_claim', claim);
  }
}
