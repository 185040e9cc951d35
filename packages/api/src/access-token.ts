import { LruCache } from './cache/lru.js';
import { MissingRequiredArgumentError, VerifyAccessTokenError } from './errors.js';
import type { IssuerPolicy } from './issuers.js';
import type { IssuerKeys, KeyStore } from './jwks/issuer-keys.js';
import {
  type AsymmetricAlgorithm,
  isAsymmetricAlgorithm,
  verifySignature,
} from './jwt/algorithms.js';
import {
  type AccessTokenClaims,
  acceptedUntil,
  type ClaimsPolicy,
  checkClaimTypes,
  checkRequiredClaims,
  checkTimes,
} from './jwt/claims.js';
import { keyFitsAlgorithm, type PublicKey } from './jwt/jwk.js';
import { type JsonObject, parseCompactJws } from './jwt/parse.js';
import type { ClaimValidator } from './options.js';
import type { RequestHeaders } from './request.js';

/** What the verifier needs from the client's options. */
export interface AccessTokenPolicy {
  algorithms: ReadonlySet<AsymmetricAlgorithm>;
  claims: ClaimsPolicy;
  maxTokenLength: number;
  validators: readonly ClaimValidator[];
  issuers: IssuerPolicy;
  keys: KeyStore;
  verifiedTokens: number;
  now: () => number;
}

/** One verification's inputs beside the token. */
export interface VerificationContext {
  requiredClaims: readonly string[];
  /** The request, for a `domains` resolver. */
  request: { url?: string | undefined; headers?: RequestHeaders | undefined };
}

interface VerifiedToken {
  claims: AccessTokenClaims;
  header: JsonObject;
  key: PublicKey;
  issuerKeys: IssuerKeys;
}

/** `typ` values RFC 9068 §2.1 allows (media types compare without case). */
const ACCESS_TOKEN_TYPES = new Set(['at+jwt', 'application/at+jwt']);
/** A `kid` is a lookup key only; an absurd one is malformed rather than looked up. */
const MAX_KID_LENGTH = 256;

/**
 * The header rules, all checked before any I/O (SECURITY.md rule 14): an allowed asymmetric `alg`
 * (so `none` and `HS*` never get further), no `crit` (we implement no extension, RFC 7515 §4.1.11),
 * a `kid` to look the key up by, and `typ: at+jwt` in strict mode (RFC 9068 §4).
 */
function checkHeader(
  header: JsonObject,
  algorithms: ReadonlySet<AsymmetricAlgorithm>,
  strict: boolean,
): { alg: AsymmetricAlgorithm; kid: string } {
  const { alg, kid, typ } = header;
  if (!isAsymmetricAlgorithm(alg) || !algorithms.has(alg)) {
    throw new VerifyAccessTokenError('unsupported_algorithm');
  }
  if (header.crit !== undefined) throw new VerifyAccessTokenError('unsupported_critical_header');
  if (kid === undefined) throw new VerifyAccessTokenError('missing_key_id');
  if (typeof kid !== 'string' || kid === '' || kid.length > MAX_KID_LENGTH) {
    throw new VerifyAccessTokenError('malformed_token', {
      message: 'The kid is not a usable string',
    });
  }
  if (strict && (typeof typ !== 'string' || !ACCESS_TOKEN_TYPES.has(typ.toLowerCase()))) {
    throw new VerifyAccessTokenError('invalid_token_type');
  }
  return { alg, kid };
}

/**
 * Freezes verified claims, so that no caller can change what a later call (or the token cache)
 * hands out.
 */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}

/** A verified access token: its claims and its protected header, both frozen. */
export interface VerifiedJwt {
  claims: AccessTokenClaims;
  header: JsonObject;
}

/**
 * Verifies JWT access tokens (RFC 9068), cheapest checks first: size, encoding, header, claim
 * types, audience, times and the issuer allow-list all come before the first network request, so
 * junk costs no I/O. Then the key is looked up by `kid`, must fit `alg`, and verifies the signature
 * with a `KeyObject` imported once. Verified tokens may be cached whole.
 */
export class AccessTokenVerifier {
  readonly #policy: AccessTokenPolicy;
  readonly #cache: LruCache<string, VerifiedToken>;

  constructor(policy: AccessTokenPolicy) {
    this.#policy = policy;
    this.#cache = new LruCache({ maxEntries: policy.verifiedTokens, now: policy.now });
  }

  /** Tokens in the verified-token cache now. */
  get cachedTokens(): number {
    return this.#cache.size;
  }

  /**
   * Verifies a token; resolves to its claims and protected header (both frozen), or throws an
   * {@link AuthError}.
   */
  async verify(token: unknown, context: VerificationContext): Promise<VerifiedJwt> {
    if (typeof token !== 'string' || token === '') {
      throw new MissingRequiredArgumentError('accessToken');
    }
    const cached = await this.#fromCache(token, context);
    if (cached) return cached;

    const policy = this.#policy;
    const jws = parseCompactJws(token, policy.maxTokenLength, (reason) =>
      reason === 'too_large'
        ? new VerifyAccessTokenError('token_too_large')
        : new VerifyAccessTokenError('malformed_token'),
    );
    const { alg, kid } = checkHeader(jws.header, policy.algorithms, policy.claims.strict);
    const claims = checkClaimTypes(jws.payload, policy.claims);
    checkTimes(claims, policy.claims, policy.now() / 1000);
    await policy.issuers.check(claims.iss, context.request);

    const issuerKeys = policy.keys.forIssuer(claims.iss);
    const fitting = (await issuerKeys.keysFor(kid)).filter((key) => keyFitsAlgorithm(key, alg));
    if (fitting.length === 0) throw new VerifyAccessTokenError('key_mismatch');
    // A token that names a published kid but was signed with another key fails here, with no
    // refetch: only an unknown kid may cause one.
    const key = fitting.find((candidate) =>
      verifySignature(alg, candidate.keyObject, jws.signingInput, jws.signature),
    );
    if (!key) throw new VerifyAccessTokenError('invalid_signature');
    // Frozen only now: until the signature verified, the payload is the attacker's to shape.
    deepFreeze(claims);
    deepFreeze(jws.header);

    this.#cache.set(
      token,
      { claims, header: jws.header, key, issuerKeys },
      acceptedUntil(claims, policy.claims) * 1000,
    );
    await this.#finish(claims, jws.header, context);
    return { claims, header: jws.header };
  }

  /**
   * A cached verification, if the token is cached, its key is still published and it passes the
   * checks that depend on the moment or the request (times, issuer for this request).
   */
  async #fromCache(token: string, context: VerificationContext): Promise<VerifiedJwt | undefined> {
    const cached = this.#cache.get(token);
    if (!cached) return undefined;
    const keys = await cached.issuerKeys.keySet();
    if (!keys.has(cached.key)) {
      this.#cache.delete(token);
      return undefined;
    }
    checkTimes(cached.claims, this.#policy.claims, this.#policy.now() / 1000);
    await this.#policy.issuers.check(cached.claims.iss, context.request);
    await this.#finish(cached.claims, cached.header, context);
    return { claims: cached.claims, header: cached.header };
  }

  /** The checks of this call: required claims, then the custom validators. */
  async #finish(claims: AccessTokenClaims, header: JsonObject, context: VerificationContext) {
    checkRequiredClaims(claims, context.requiredClaims);
    for (const validator of this.#policy.validators) {
      let accepted: boolean | undefined;
      try {
        accepted = await validator(claims, header);
      } catch (cause) {
        throw new VerifyAccessTokenError('claim_validation_failed', {
          message: 'A claim validator threw',
          cause,
        });
      }
      if (accepted === false) throw new VerifyAccessTokenError('claim_validation_failed');
    }
  }
}
