import { LruCache } from './cache/lru.js';
import { VerifiedTokenCache } from './cache/verified-tokens.js';
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
import {
  decodeBase64url,
  decodeJsonSegment,
  type JsonObject,
  type JwsParseFailure,
  type JwsSegments,
  splitCompactJws,
} from './jwt/parse.js';
import type { ClaimValidator } from './options.js';
import type { RequestHeaders } from './request.js';
import { runAsync, type Steps, wait } from './steps.js';

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

/** A cached verification, and the key it was verified with: it holds while that key is published. */
interface CachedVerification {
  verified: VerifiedJwt;
  key: PublicKey;
  issuerKeys: IssuerKeys;
}

/** A protected header that passed {@link checkHeader}. */
interface CheckedHeader {
  header: JsonObject;
  alg: AsymmetricAlgorithm;
  kid: string;
}

/** A token decoded and checked as far as it can be without its issuer's keys. Not yet verified. */
interface DecodedToken extends CheckedHeader {
  /** Whether the header was remembered from an earlier verification. */
  knownHeader: boolean;
  segments: JwsSegments;
  claims: AccessTokenClaims;
  signature: Buffer;
}

/**
 * Headers of verified tokens remembered, by their encoded form. An issuer signs all its tokens
 * with one of a few headers (one per key), so nearly every token skips decoding, parsing and
 * checking its header.
 */
const KNOWN_HEADERS = 64;

const malformed = (reason: JwsParseFailure) =>
  new VerifyAccessTokenError(reason === 'too_large' ? 'token_too_large' : 'malformed_token');

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
  header: JsonObject | undefined,
  algorithms: ReadonlySet<AsymmetricAlgorithm>,
  strict: boolean,
): CheckedHeader {
  if (header === undefined) throw new VerifyAccessTokenError('malformed_token');
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
  return { header, alg, kid };
}

/**
 * Freezes verified claims, so that no caller can change what a later call (or the token cache)
 * hands out. `for...in` rather than `Object.values`: no array per object on the hot path.
 */
function deepFreeze<T extends object>(value: T): T {
  if (Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const name in value) {
    const member: unknown = value[name];
    if (typeof member === 'object' && member !== null) deepFreeze(member);
  }
  return value;
}

/**
 * The published key that verifies the token's signature. A token that names a published kid but
 * was signed with another key fails here, with no refetch: only an unknown kid may cause one.
 */
function signingKey(token: DecodedToken, published: readonly PublicKey[]): PublicKey {
  let fitting = false;
  for (const candidate of published) {
    if (!keyFitsAlgorithm(candidate, token.alg)) continue;
    fitting = true;
    const { signingInput } = token.segments;
    if (verifySignature(token.alg, candidate.keyObject, signingInput, token.signature)) {
      return candidate;
    }
  }
  throw new VerifyAccessTokenError(fitting ? 'invalid_signature' : 'key_mismatch');
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
  readonly #cache: VerifiedTokenCache<CachedVerification>;
  readonly #headers: LruCache<string, CheckedHeader>;

  constructor(policy: AccessTokenPolicy) {
    this.#policy = policy;
    this.#cache = new VerifiedTokenCache({ maxEntries: policy.verifiedTokens, now: policy.now });
    this.#headers = new LruCache({ maxEntries: KNOWN_HEADERS });
  }

  /** Tokens in the verified-token cache now. */
  get cachedTokens(): number {
    return this.#cache.size;
  }

  /**
   * Verifies a token; resolves to its claims and protected header (both frozen), or rejects with
   * an {@link AuthError}.
   */
  verify(token: unknown, context: VerificationContext): Promise<VerifiedJwt> {
    return runAsync(this.steps(token, context));
  }

  /**
   * The verification as a pipeline (see `steps.ts`). Each step that may need I/O has an answer
   * without it for the usual case (fresh keys, a fixed issuer list) and waits only when that
   * answer is missing; custom validators are always waited for.
   */
  *steps(token: unknown, context: VerificationContext): Steps<VerifiedJwt> {
    if (typeof token !== 'string' || token === '') {
      throw new MissingRequiredArgumentError('accessToken');
    }
    const policy = this.#policy;
    const cached = this.#cache.get(token);
    if (cached) {
      const { issuerKeys } = cached;
      const current = issuerKeys.freshKeySet() ?? (yield* wait(() => issuerKeys.keySet()));
      if (current.has(cached.key)) return yield* this.#fromCache(cached, context);
      // The key was withdrawn: verify again, which fails unless the token's kid is still served.
      this.#cache.delete(token);
    }

    const decoded = this.#decode(token);
    const { claims } = decoded;
    yield* policy.issuers.check(claims.iss, context.request);

    const issuerKeys = policy.keys.forIssuer(claims.iss);
    const key = signingKey(
      decoded,
      issuerKeys.freshKeysFor(decoded.kid) ?? (yield* wait(() => issuerKeys.keysFor(decoded.kid))),
    );
    // Frozen only now: until the signature verified, the payload is the attacker's to shape.
    const header = deepFreeze(decoded.header);
    const verified: VerifiedJwt = { claims: deepFreeze(claims), header };
    if (!decoded.knownHeader) {
      this.#headers.set(decoded.segments.header, { header, alg: decoded.alg, kid: decoded.kid });
    }
    this.#cache.set(
      token,
      { verified, key, issuerKeys },
      acceptedUntil(claims, policy.claims) * 1000,
    );
    checkRequiredClaims(claims, context.requiredClaims);
    if (policy.validators.length > 0) yield* this.#runValidators(verified);
    return verified;
  }

  /**
   * Decodes the token and runs every check that needs no key and no request, cheapest first
   * (SECURITY.md rule 14): size, shape, header, encoding, claim types and audience, times.
   */
  #decode(token: string): DecodedToken {
    const policy = this.#policy;
    const segments = splitCompactJws(token, policy.maxTokenLength, malformed);
    const known = this.#headers.get(segments.header);
    const checked =
      known ??
      checkHeader(decodeJsonSegment(segments.header), policy.algorithms, policy.claims.strict);
    const payload = decodeJsonSegment(segments.payload);
    const signature = decodeBase64url(segments.signature);
    if (!payload || !signature) throw malformed('malformed');
    const claims = checkClaimTypes(payload, policy.claims);
    checkTimes(claims, policy.claims, policy.now() / 1000);
    const { header, alg, kid } = checked;
    return {
      header,
      alg,
      kid,
      knownHeader: known !== undefined,
      segments,
      claims,
      signature,
    };
  }

  /**
   * A cached verification whose key is still published, if it passes the checks that depend on
   * the moment or the request: times, the issuer for this request, and this call's claims.
   */
  *#fromCache({ verified }: CachedVerification, context: VerificationContext): Steps<VerifiedJwt> {
    const { claims } = verified;
    const { issuers, now, validators } = this.#policy;
    checkTimes(claims, this.#policy.claims, now() / 1000);
    yield* issuers.check(claims.iss, context.request);
    checkRequiredClaims(claims, context.requiredClaims);
    if (validators.length > 0) yield* this.#runValidators(verified);
    return verified;
  }

  /** The custom validators, in order: false or a throw refuses the token. */
  *#runValidators({ claims, header }: VerifiedJwt): Steps<void> {
    for (const validator of this.#policy.validators) {
      let accepted: boolean | undefined;
      try {
        accepted = yield* wait(() => validator(claims, header));
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
