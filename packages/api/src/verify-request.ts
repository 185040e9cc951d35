import type { AccessTokenVerifier, VerificationContext, VerifiedJwt } from './access-token.js';
import type { RequestScheme } from './challenge.js';
import { normalizeHtu } from './dpop/htu.js';
import { constantTimeEqual, verifyDpopProof } from './dpop/proof.js';
import {
  InvalidDpopProofError,
  InvalidRequestError,
  MissingRequiredArgumentError,
  UseDpopNonceError,
  VerifyAccessTokenError,
} from './errors.js';
import type { AccessTokenClaims } from './jwt/claims.js';
import {
  type Credentials,
  isToken68,
  malformedAuthorization,
  type RequestHeaders,
  readCredentials,
} from './request.js';
import type { ResolvedOptions } from './resolve-options.js';
import { type Steps, wait } from './steps.js';

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
  scopeMatch?: 'all' | 'any';
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

/** What the request flow uses of the client. */
export interface RequestFlow {
  options: ResolvedOptions;
  verifier: AccessTokenVerifier;
}

/**
 * Verifies a request's credentials (RFC 6750 §2.1, RFC 9449 §7): the scheme against the DPoP mode,
 * then for DPoP the proof (a local check, before the token's possible key fetch), the server nonce,
 * the token, the `cnf.jkt` binding and finally the replay store, so that only proofs that passed
 * everything are recorded. Scopes are checked by the caller. A pipeline: see `steps.ts`.
 */
export function* verifyRequestCredentials(
  flow: RequestFlow,
  request: VerifyRequestOptions,
): Steps<VerifiedRequest> {
  const { options, verifier } = flow;
  const credentials = readCredentials(request.headers);
  const mode = options.dpop.mode;
  const context = {
    requiredClaims: request.requiredClaims ?? [],
    request: {
      url: request.url === undefined ? undefined : String(request.url),
      headers: request.headers,
    },
  };

  if (credentials.scheme === 'bearer') {
    if (mode === 'required') {
      throw new InvalidRequestError('invalid_auth_scheme', {
        message: 'This API accepts DPoP-bound tokens only',
      });
    }
    if (credentials.proofs.length > 0) {
      throw new InvalidRequestError('invalid_auth_scheme', {
        message: 'A DPoP proof needs the DPoP authorization scheme, not Bearer',
      });
    }
    const { claims, header } = yield* verifyToken(verifier, credentials, context);
    // A DPoP-bound token sent as Bearer is exactly what binding exists to stop (RFC 9449 §7.2).
    if (claims.cnf?.jkt !== undefined) throw new VerifyAccessTokenError('dpop_bound_token');
    return { claims, header, token: credentials.token, scheme: 'bearer', responseHeaders: {} };
  }

  if (mode === 'disabled') {
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
  const { claims, header } = yield* verifier.steps(credentials.token, context);
  const jkt = claims.cnf?.jkt;
  if (jkt === undefined) {
    throw new VerifyAccessTokenError('dpop_binding_mismatch', {
      message: 'The access token is not bound to a DPoP key (no cnf.jkt)',
    });
  }
  if (!constantTimeEqual(jkt, verified.jkt))
    throw new VerifyAccessTokenError('dpop_binding_mismatch');
  // Kept for as long as the proof's iat window would still accept it.
  const expiresAt = (verified.iat + options.dpop.proof.maxAge + 1) * 1000;
  const { replayStore } = options.dpop;
  const fresh = yield* wait(() =>
    replayStore.markUsed(`${verified.jkt}:${verified.jti}`, expiresAt),
  );
  if (!fresh) {
    throw new InvalidDpopProofError('dpop_proof_replayed');
  }
  const responseHeaders: Record<string, string> = {};
  if (nonces) {
    const current = nonces.current(now);
    if (current !== verified.nonce) responseHeaders['dpop-nonce'] = current;
  }
  return {
    claims,
    header,
    token: credentials.token,
    scheme: 'dpop',
    dpopKeyThumbprint: verified.jkt,
    responseHeaders,
  };
}

/**
 * Verifies the token of a request. One that fails and is not even `token68` was a malformed
 * request (400 `invalid_request`, RFC 6750 §3.1) rather than a bad token: telling the two apart
 * only after a failure keeps the scan of the token off the path of every good request.
 */
function* verifyToken(
  verifier: AccessTokenVerifier,
  credentials: Credentials,
  context: VerificationContext,
): Steps<VerifiedJwt> {
  try {
    return yield* verifier.steps(credentials.token, context);
  } catch (error) {
    if (!isToken68(credentials.token)) throw malformedAuthorization(credentials.scheme);
    throw error;
  }
}
