import {
  type AsymmetricAlgorithm,
  type IssuerKeys,
  type JsonObject,
  type ParsedJws,
  parseCompactJws,
} from '@gatehouse/base';
import { type IdTokenCheck, IdTokenValidationError } from '../errors.js';
import {
  type HmacAlgorithm,
  isHmacAlgorithm,
  SignatureError,
  verifyHmacSignature,
  verifyTenantSignature,
} from './signature.js';

/** Largest ID token looked at: far above what any tenant issues, far below a memory problem. */
const MAX_ID_TOKEN_LENGTH = 16_384;
/** OpenID Connect Core §2: `sub` is at most 255 ASCII characters. */
const MAX_SUB_LENGTH = 255;

/** The algorithm ID tokens are signed with, pinned by configuration (`idTokenSigningAlg`). */
export type IdTokenSigningAlg = AsymmetricAlgorithm | HmacAlgorithm;

/** How one client checks every ID token: fixed at construction. */
export interface IdTokenPolicy {
  clientId: string;
  /** The one signing algorithm accepted. */
  alg: IdTokenSigningAlg;
  /** The client secret: the HMAC key when `alg` is `HS*`, unused otherwise. */
  clientSecret: string | undefined;
  /** Audiences besides the client that may appear in `aud` (then `azp` must be the client). */
  trustedAudiences: ReadonlySet<string>;
  /** Seconds of clock difference tolerated on `exp`, `iat`, `nbf` and `auth_time`. */
  clockTolerance: number;
}

/** What one ID token is checked against, beyond the policy. */
export interface IdTokenExpectations {
  /** The issuer of the tenant's discovery document, compared exactly. */
  issuer: string;
  /** Seconds since the epoch. */
  now: number;
  /** At login: the transaction's nonce, which the token must carry. */
  nonce?: string | undefined;
  /** At login with `max_age`: the token must carry an `auth_time` at most this many seconds old. */
  maxAge?: number | undefined;
  /**
   * On a refresh: the session's current ID-token claims. The new token must name the same `sub`,
   * and may carry a `nonce` only if it is the original one (OpenID Connect Core §12.2).
   */
  previous?: { sub: string; nonce?: unknown } | undefined;
}

/** The verified claims of an ID token. */
export interface IdTokenClaims extends JsonObject {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
}

const refuse = (check: IdTokenCheck, reason: string) => new IdTokenValidationError(check, reason);
const isNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

async function checkSignature(keys: IssuerKeys, policy: IdTokenPolicy, jws: ParsedJws) {
  const { typ } = jws.header;
  // An ID token is a plain JWT: a logout token or an access token must not pass for one.
  if (typ !== undefined && !['jwt', 'application/jwt'].includes(String(typ).toLowerCase())) {
    throw refuse('typ', `its typ ${String(typ)} is not JWT`);
  }
  if (jws.header.crit !== undefined) throw refuse('format', 'it has critical header parameters');
  try {
    if (isHmacAlgorithm(policy.alg)) {
      verifyHmacSignature(jws, policy.alg, policy.clientSecret as string);
    } else {
      await verifyTenantSignature(keys, jws, new Set([policy.alg]));
    }
  } catch (cause) {
    if (!(cause instanceof SignatureError)) throw cause;
    throw new IdTokenValidationError('signature', cause.message, { cause });
  }
}

/** `aud` holds the client, nothing untrusted, and `azp` names the client whenever it must. */
function checkAudience(policy: IdTokenPolicy, aud: unknown, azp: unknown) {
  const audiences = typeof aud === 'string' ? [aud] : aud;
  if (!Array.isArray(audiences) || audiences.some((value) => typeof value !== 'string')) {
    throw refuse('aud', 'aud is not a string or a list of strings');
  }
  if (!audiences.includes(policy.clientId)) throw refuse('aud', 'aud does not name this client');
  const untrusted = audiences.filter(
    (value) => value !== policy.clientId && !policy.trustedAudiences.has(value),
  );
  if (untrusted.length > 0) throw refuse('aud', `aud names untrusted audiences`);
  if ((audiences.length > 1 || azp !== undefined) && azp !== policy.clientId) {
    throw refuse('azp', 'azp is not this client');
  }
}

/** The time claims: `exp` in the future, `iat` and `nbf` not in it, `auth_time` fresh enough. */
function checkTimes(
  policy: IdTokenPolicy,
  claims: JsonObject,
  { now, maxAge }: IdTokenExpectations,
) {
  const { exp, iat, nbf, auth_time: authTime } = claims;
  const tolerance = policy.clockTolerance;
  if (!isNumber(exp)) throw refuse('exp', 'exp is missing');
  if (exp <= now - tolerance) throw refuse('exp', 'it has expired');
  if (!isNumber(iat)) throw refuse('iat', 'iat is missing');
  if (iat > now + tolerance) throw refuse('iat', 'it was issued in the future');
  if (nbf !== undefined && (!isNumber(nbf) || nbf > now + tolerance)) {
    throw refuse('nbf', 'it is not valid yet');
  }
  if (authTime !== undefined && !isNumber(authTime)) throw refuse('auth_time', 'not a number');
  if (maxAge !== undefined) {
    if (authTime === undefined)
      throw refuse('auth_time', 'max_age was asked and auth_time is missing');
    if (authTime + maxAge < now - tolerance) {
      throw refuse('auth_time', 'the authentication is older than max_age');
    }
  }
}

/**
 * The one ID-token check, at login and on every refresh (OpenID Connect Core §3.1.3.7, §12.2):
 * signature with the pinned algorithm, `iss` exact, `aud` and `azp`, `exp`, `iat`, `nbf`, `sub`,
 * and, as the expectations ask, `nonce`, `auth_time` under `max_age`, and the session's `sub`.
 * Throws {@link IdTokenValidationError} naming the check that failed.
 */
export async function verifyIdToken(
  keys: IssuerKeys,
  policy: IdTokenPolicy,
  idToken: unknown,
  expect: IdTokenExpectations,
): Promise<IdTokenClaims> {
  if (typeof idToken !== 'string') throw refuse('format', 'it is not a string');
  const jws = parseCompactJws(idToken, MAX_ID_TOKEN_LENGTH, () =>
    refuse('format', 'it is not a well-formed JWS'),
  );
  await checkSignature(keys, policy, jws);
  const claims = jws.payload;
  if (claims.iss !== expect.issuer) throw refuse('iss', 'iss is not the tenant');
  checkAudience(policy, claims.aud, claims.azp);
  checkTimes(policy, claims, expect);
  const { sub, nonce } = claims;
  if (typeof sub !== 'string' || sub === '' || sub.length > MAX_SUB_LENGTH) {
    throw refuse('sub', 'sub is missing or not a valid subject');
  }
  if (expect.nonce !== undefined && nonce !== expect.nonce) {
    throw refuse('nonce', 'nonce is not the one sent');
  }
  if (expect.previous) {
    if (sub !== expect.previous.sub) throw refuse('sub', "sub is not the session's user");
    if (nonce !== undefined && nonce !== expect.previous.nonce) {
      throw refuse('nonce', 'a refreshed ID token carries a nonce other than the original');
    }
  }
  return claims as IdTokenClaims;
}
