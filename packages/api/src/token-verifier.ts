import {
  type AsymmetricAlgorithm,
  decodeBase64url,
  decodeJsonSegment,
  type IssuerKeys,
  isAsymmetricAlgorithm,
  type JsonObject,
  type JwsParseFailure,
  type JwsSegments,
  type KeyStore,
  LruCache,
  type PublicKey,
  splitCompactJws,
  UnknownKeyError,
} from '@gatehouse/base';
import { VerifiedTokenCache } from './cache/verified-tokens.js';
import { VerifyAccessTokenError } from './errors.js';
import {
  type AccessTokenClaims,
  acceptedUntil,
  type ClaimsPolicy,
  checkClaimTypes,
  checkTimes,
} from './jwt/claims.js';

/**
 * The parts of access-token verification (RFC 9068) that need no I/O, for the one pipeline in
 * `verification.ts` to run in order: the token cache, decoding and every check that needs no key,
 * and remembering what verified (the signature check itself is inline in the pipeline). Cheapest
 * checks first: size, encoding, header, claim types, audience and times all come before the first
 * network request, so junk costs no I/O.
 */

/** What the verifier needs from the client's options. */
export interface TokenPolicy {
  algorithms: ReadonlySet<AsymmetricAlgorithm>;
  claims: ClaimsPolicy;
  maxTokenLength: number;
  /** Most tokens in the verified-token cache; 0 disables it. */
  verifiedTokens: number;
  now: () => number;
}

/** A verified access token: its claims and its protected header, both frozen. */
export interface VerifiedJwt {
  claims: AccessTokenClaims;
  header: JsonObject;
}

/** A cached verification, and the key it was verified with: it holds while that key is published. */
export interface CachedVerification {
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
export interface DecodedToken extends CheckedHeader {
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

/** The key cache's "no such key" as this package's refusal: 401 `unknown_key`. */
export function unknownKeyRefusal(error: unknown): never {
  if (error instanceof UnknownKeyError) {
    throw new VerifyAccessTokenError('unknown_key', { message: error.message });
  }
  throw error;
}

/** The verifier's state: the verified-token cache and the headers it has seen verify. */
export class TokenVerifier {
  readonly policy: TokenPolicy;
  readonly keys: KeyStore;
  readonly #cache: VerifiedTokenCache<CachedVerification>;
  readonly #headers: LruCache<string, CheckedHeader>;

  constructor(policy: TokenPolicy, keys: KeyStore) {
    this.policy = policy;
    this.keys = keys;
    this.#cache = new VerifiedTokenCache({ maxEntries: policy.verifiedTokens, now: policy.now });
    this.#headers = new LruCache({ maxEntries: KNOWN_HEADERS });
  }

  /** Tokens in the verified-token cache now. */
  get cachedTokens(): number {
    return this.#cache.size;
  }

  /** A verification of exactly this token, if one is cached; its key must still be checked. */
  cached(token: string): CachedVerification | undefined {
    return this.#cache.get(token);
  }

  /** Forgets a cached verification whose key was withdrawn. */
  forget(token: string): void {
    this.#cache.delete(token);
  }

  /** Re-checks what may have changed since a cached verification: the time. */
  checkCachedTimes(claims: AccessTokenClaims): void {
    checkTimes(claims, this.policy.claims, this.policy.now() / 1000);
  }

  /**
   * Decodes the token and runs every check that needs no key and no request, cheapest first
   * (SECURITY.md rule 14): size, shape, header, encoding, claim types and audience, times.
   */
  decode(token: string): DecodedToken {
    const policy = this.policy;
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
    return { header, alg, kid, knownHeader: known !== undefined, segments, claims, signature };
  }

  /**
   * Records a token whose signature verified with `key`: freezes what it hands out, remembers its
   * header, and caches the verification for as long as the claims allow.
   */
  accept(
    token: string,
    decoded: DecodedToken,
    key: PublicKey,
    issuerKeys: IssuerKeys,
  ): VerifiedJwt {
    // Frozen only now: until the signature verified, the payload is the attacker's to shape.
    const header = deepFreeze(decoded.header);
    const verified: VerifiedJwt = { claims: deepFreeze(decoded.claims), header };
    if (!decoded.knownHeader) {
      this.#headers.set(decoded.segments.header, { header, alg: decoded.alg, kid: decoded.kid });
    }
    this.#cache.set(
      token,
      { verified, key, issuerKeys },
      acceptedUntil(decoded.claims, this.policy.claims) * 1000,
    );
    return verified;
  }
}
