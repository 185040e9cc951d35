import {
  type KeyStore,
  keyFitsAlgorithm,
  MissingRequiredArgumentError,
  type PublicKey,
  verifySignature,
} from '@gatehouse/base';
import type { RequestScheme } from './challenge.js';
import { normalizeHtu } from './dpop/htu.js';
import { constantTimeEqual, type VerifiedProof, verifyDpopProof } from './dpop/proof.js';
import {
  InvalidDpopProofError,
  InvalidRequestError,
  UseDpopNonceError,
  VerifyAccessTokenError,
} from './errors.js';
import { type AccessTokenClaims, checkRequiredClaims } from './jwt/claims.js';
import { refusalOf } from './refusal.js';
import {
  type Credentials,
  isToken68,
  malformedAuthorization,
  type RequestHeaders,
  readCredentials,
} from './request.js';
import type { ResolvedOptions } from './resolve-options.js';
import { checkScopes, type ScopeMatch } from './scopes.js';
import { type Steps, wait } from './steps.js';
import { type TokenVerifier, unknownKeyRefusal, type VerifiedJwt } from './token-verifier.js';

/** Options of `verifyRequest`. */
export interface VerifyRequestOptions {
  /** The request headers: `Authorization`, and `DPoP` for DPoP-bound tokens. */
  headers: RequestHeaders;
  /** The request method, e.g. `GET`. Required for DPoP (`htm`). */
  method?: string;
  /**
   * The absolute URL the client called, e.g. `https://api.example.com/orders?page=2`. Required
   * for DPoP (`htu`). Build it from trusted configuration or a validated `Host`, never by pasting
   * a raw `Host` header: `Host: api.example.com/admin?` would otherwise launder the path.
   */
  url?: string | URL;
  /** Claims the token must carry (present, any value), as auth0-api-python's `required_claims`. */
  requiredClaims?: readonly string[];
  /** Scopes the token must grant (`scope` or `permissions`); otherwise 403 `insufficient_scope`. */
  scopes?: string | readonly string[];
  /** `all` scopes (default) or `any` one of them. */
  scopeMatch?: ScopeMatch;
}

/** A request whose access token (and DPoP proof, if any) verified. */
export interface VerifiedRequest {
  /** The token's claims. */
  claims: AccessTokenClaims;
  /** The token's protected header (`alg`, `kid`, `typ`). */
  header: Readonly<Record<string, unknown>>;
  /** The access token, e.g. for `getAccessTokenForConnection`. */
  token: string;
  /** How the token was presented. */
  scheme: RequestScheme;
  /** RFC 7638 thumbprint of the DPoP key, for DPoP requests. */
  dpopKeyThumbprint?: string;
  /** Headers to add to the response, e.g. a fresh `DPoP-Nonce` (RFC 9449 §8.2). */
  responseHeaders: Record<string, string>;
}

/** What the pipeline uses of the client. */
export interface VerificationKit {
  options: ResolvedOptions;
  verifier: TokenVerifier;
  keys: KeyStore;
}

/**
 * What one verification starts from: a request (its credentials are read from its headers), or
 * a bare token handed to `verifyAccessToken` (Bearer, read by the caller), with the headers of its
 * request, if given, for the domains resolver only.
 */
export type VerificationInput =
  | { request: VerifyRequestOptions; credentials?: undefined; resolverHeaders?: undefined }
  | {
      request: Omit<VerifyRequestOptions, 'headers'>;
      credentials: Credentials;
      resolverHeaders: RequestHeaders | undefined;
    };

/**
 * The verification of one request or token, RFC 6750 §2.1 and RFC 9449 §7, as one pipeline (see
 * `steps.ts`): the credentials, read once; the scheme against the DPoP mode; for DPoP the proof (a
 * local check, before the token's possible key fetch) and the server nonce; the token (cached, or
 * decoded, its issuer allowed, its signature checked against a published key); the required
 * claims and custom validators; the DPoP binding and, last, the replay store, so that only proofs
 * that passed everything are recorded; the scopes. A refusal leaves here once, as the error to
 * answer with, its challenge set for the scheme the request used.
 */
export function* verification(
  kit: VerificationKit,
  input: VerificationInput,
): Steps<VerifiedRequest> {
  const { options, verifier, keys } = kit;
  const { request } = input;
  let scheme: RequestScheme | undefined;
  try {
    const credentials = input.credentials ?? credentialsOf(input.request);
    scheme = credentials.scheme;
    const token = credentials.token;
    const proof = scheme === 'dpop' ? checkProof(options, credentials, request) : undefined;
    if (scheme === 'bearer') checkBearer(options, credentials);
    // What a domains resolver is told about the request.
    const context = {
      url: request.url === undefined ? undefined : String(request.url),
      headers: input.credentials ? input.resolverHeaders : input.request.headers,
    };

    let verified: VerifiedJwt | undefined;
    try {
      const cached = verifier.cached(token);
      if (cached) {
        const { issuerKeys } = cached;
        // No `yield` inside `??` (see `IssuerPolicy.check`).
        let current = issuerKeys.freshKeySet();
        if (current === undefined) current = yield* wait(() => issuerKeys.keySet());
        if (current.has(cached.key)) {
          verified = cached.verified;
          verifier.checkCachedTimes(verified.claims);
          yield* options.issuers.check(verified.claims.iss, context);
        } else {
          // The key was withdrawn: verify again, which fails unless the token's kid is still served.
          verifier.forget(token);
        }
      }
      if (verified === undefined) {
        const decoded = verifier.decode(token);
        yield* options.issuers.check(decoded.claims.iss, context);
        const issuerKeys = keys.forIssuer(decoded.claims.iss);
        let published = issuerKeys.freshKeysFor(decoded.kid);
        if (published === undefined) {
          published = yield* wait(() => issuerKeys.keysFor(decoded.kid).catch(unknownKeyRefusal));
        }
        // The signature, checked here rather than in a helper: this is the frame under
        // crypto.verify on every request. A token naming a published kid but signed with another
        // key fails with no refetch; only an unknown kid may cause one.
        let key: PublicKey | undefined;
        let fitting = false;
        for (const candidate of published) {
          if (!keyFitsAlgorithm(candidate, decoded.alg)) continue;
          fitting = true;
          const { signingInput } = decoded.segments;
          if (verifySignature(decoded.alg, candidate.keyObject, signingInput, decoded.signature)) {
            key = candidate;
            break;
          }
        }
        if (key === undefined) {
          throw new VerifyAccessTokenError(fitting ? 'invalid_signature' : 'key_mismatch');
        }
        verified = verifier.accept(token, decoded, key, issuerKeys);
      }
    } catch (error) {
      // A header token that fails and is not even `token68` was a malformed request (400,
      // RFC 6750 §3.1) rather than a bad token: told apart only after a failure, so a good
      // request never pays for scanning its token.
      if (!input.credentials && !isToken68(token)) throw malformedAuthorization(credentials.scheme);
      throw error;
    }

    const { claims, header } = verified;
    checkRequiredClaims(claims, request.requiredClaims ?? []);
    const validators = options.validators;
    for (let index = 0; index < validators.length; index += 1) {
      const validator = validators[index] as (typeof validators)[number];
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

    const responseHeaders: Record<string, string> = {};
    if (proof === undefined) {
      // A DPoP-bound token sent as Bearer is exactly what binding exists to stop (RFC 9449 §7.2).
      if (claims.cnf?.jkt !== undefined) throw new VerifyAccessTokenError('dpop_bound_token');
    } else {
      const jkt = claims.cnf?.jkt;
      if (jkt === undefined) {
        throw new VerifyAccessTokenError('dpop_binding_mismatch', {
          message: 'The access token is not bound to a DPoP key (no cnf.jkt)',
        });
      }
      if (!constantTimeEqual(jkt, proof.jkt)) {
        throw new VerifyAccessTokenError('dpop_binding_mismatch');
      }
      // Kept for as long as the proof's iat window would still accept it.
      const expiresAt = (proof.iat + options.dpop.proof.maxAge + 1) * 1000;
      const { replayStore, nonce } = options.dpop;
      const fresh = yield* wait(() => replayStore.markUsed(`${proof.jkt}:${proof.jti}`, expiresAt));
      if (!fresh) throw new InvalidDpopProofError('dpop_proof_replayed');
      const current = nonce?.current(options.now());
      if (current !== undefined && current !== proof.nonce) responseHeaders['dpop-nonce'] = current;
    }
    if (request.scopes !== undefined) checkScopes(claims, request.scopes, request.scopeMatch);
    const verifiedRequest: VerifiedRequest = {
      claims,
      header,
      token,
      scheme: credentials.scheme,
      responseHeaders,
    };
    if (proof) verifiedRequest.dpopKeyThumbprint = proof.jkt;
    return verifiedRequest;
  } catch (error) {
    throw refusalOf(error, options, scheme);
  }
}

function credentialsOf(request: VerifyRequestOptions): Credentials {
  if (!request?.headers) throw new MissingRequiredArgumentError('headers');
  return readCredentials(request.headers);
}

/** A Bearer request: refused when this API takes DPoP only, or when a proof came with it. */
function checkBearer(options: ResolvedOptions, credentials: Credentials): void {
  if (options.dpop.mode === 'required') {
    throw new InvalidRequestError('invalid_auth_scheme', {
      message: 'This API accepts DPoP-bound tokens only',
    });
  }
  if (credentials.proofs.length > 0) {
    throw new InvalidRequestError('invalid_auth_scheme', {
      message: 'A DPoP proof needs the DPoP authorization scheme, not Bearer',
    });
  }
}

/**
 * A DPoP request's proof (RFC 9449 §4.3) and server nonce (§9), both checked without I/O before
 * the token: exactly one proof, for this method and URL, covering this token (`ath`).
 */
function checkProof(
  options: ResolvedOptions,
  credentials: Credentials,
  request: Omit<VerifyRequestOptions, 'headers'>,
): VerifiedProof {
  if (options.dpop.mode === 'disabled') {
    throw new InvalidRequestError('invalid_auth_scheme', {
      message: 'This API does not accept DPoP',
    });
  }
  // The proof's `ath` covers the token, so its syntax is checked first, not after verification.
  if (!isToken68(credentials.token)) throw malformedAuthorization('dpop');
  const [proof, ...more] = credentials.proofs;
  if (proof === undefined || more.length > 0 || proof.includes(',')) {
    throw new InvalidDpopProofError('invalid_dpop_proof', {
      message: 'A DPoP request needs exactly one DPoP proof',
    });
  }
  if (!request.method) throw new MissingRequiredArgumentError('method');
  if (!request.url || normalizeHtu(request.url) === undefined) {
    throw new MissingRequiredArgumentError(
      'url',
      "The argument 'url' must be the absolute http(s) URL of the request, for the DPoP htu check.",
    );
  }
  const now = options.now();
  const verified = verifyDpopProof(
    {
      proof,
      method: request.method,
      url: request.url,
      accessToken: credentials.token,
      now: now / 1000,
    },
    options.dpop.proof,
  );
  const nonces = options.dpop.nonce;
  if (nonces && (verified.nonce === undefined || !nonces.isValid(verified.nonce, now))) {
    throw new UseDpopNonceError(nonces.current(now));
  }
  return verified;
}
