import { decodeJwt } from 'jose';
import * as oauth from 'oauth4webapi';
import { AccessTokenError, DpopError } from '../errors.js';
import { type TokenUpdate, tokenSetFor } from '../session/token-sets.js';
import type { IdTokenVerifier } from './callback.js';
import { type TenantContext, tenantErrorOf } from './context.js';
import { type IdTokenExpectations, verifyIdToken } from './id-token.js';
import { withoutIdToken } from './token-response.js';

/** One refresh: for which API (if any), with which scopes, stored under which audience key. */
export interface RefreshRequest {
  /** The API to ask for; undefined asks for the login's default. */
  audience: string | undefined;
  scope: string | undefined;
  /** The audience key the token set is stored under. */
  audienceKey: string;
}

/** Sends the refresh grant, with `audience` and `scope` for Multi-Resource Refresh Tokens. */
export async function refreshTokenRequest(
  context: TenantContext,
  refreshToken: string,
  request: RefreshRequest,
): Promise<Response> {
  const additionalParameters: Record<string, string> = {};
  if (request.audience) additionalParameters.audience = request.audience;
  if (request.scope) additionalParameters.scope = request.scope;
  try {
    return await oauth.refreshTokenGrantRequest(
      context.as,
      context.client,
      context.clientAuth,
      refreshToken,
      {
        ...context.http,
        additionalParameters,
      },
    );
  } catch (cause) {
    if (cause instanceof DpopError) throw cause;
    throw new AccessTokenError(
      'refresh_token_error',
      `The refresh request failed: ${(cause as Error).message}`,
      undefined,
      {
        cause,
      },
    );
  }
}

/** The audiences a JWT access token is for, or undefined when the token is not a JWT. */
function audiencesOf(accessToken: string): string[] | undefined {
  try {
    const { aud } = decodeJwt(accessToken);
    return aud === undefined ? [] : ([] as string[]).concat(aud);
  } catch {
    return undefined;
  }
}

/** The session a refresh is for, as a refreshed ID token is compared with it. */
export interface RefreshedSession {
  /** The session's user: a new ID token must name the same `sub`. */
  sub: string;
  /** The session's ID token, whose `nonce` a new one may only repeat. */
  idToken: string | undefined;
}

/** The original `nonce` of a session's ID token, verified when it was stored. */
function nonceOf(idToken: string | undefined): unknown {
  try {
    return idToken ? decodeJwt(idToken).nonce : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Validates a refresh response, and the ID token it may carry through the one ID-token check:
 * same `iss`, same `aud` and same `sub` as the session (OpenID Connect Core §12.2), else the
 * refresh fails and the session keeps its tokens. Auth0 answers a refresh for an audience outside
 * the client's refresh-token policies with a token for another audience instead of an error;
 * handing that token to the caller would send it to the wrong API, so it becomes
 * `audience_mismatch`.
 *
 * @param now Seconds since the epoch.
 */
export async function processRefreshResponse(
  context: TenantContext,
  verifier: IdTokenVerifier,
  response: Response,
  { request, session, now }: { request: RefreshRequest; session: RefreshedSession; now: number },
): Promise<TokenUpdate> {
  const parted = await withoutIdToken(response);
  let tokens: oauth.TokenEndpointResponse;
  try {
    tokens = await oauth.processRefreshTokenResponse(context.as, context.client, parted.response);
  } catch (cause) {
    const details = tenantErrorOf(cause);
    const code = details?.error === 'mfa_required' ? 'mfa_required' : 'refresh_token_error';
    throw new AccessTokenError(
      code,
      code === 'mfa_required'
        ? 'The tenant requires multi-factor authentication before issuing this token.'
        : `The tenant refused the refresh: ${details?.error ?? (cause as Error).message}`,
      details,
      { cause },
    );
  }
  let idTokenClaims: Readonly<Record<string, unknown>> | undefined;
  if (parted.idToken !== undefined) {
    const expectations: IdTokenExpectations = {
      issuer: context.as.issuer,
      now,
      previous: { sub: session.sub, nonce: nonceOf(session.idToken) },
    };
    idTokenClaims = await verifyIdToken(
      verifier.keys,
      verifier.idTokens,
      parted.idToken,
      expectations,
    );
  }
  if (request.audience) {
    const audiences = audiencesOf(tokens.access_token);
    if (!audiences?.includes(request.audience)) {
      throw new AccessTokenError(
        'audience_mismatch',
        `Asked for a token for ${request.audience} but the tenant returned one for ${audiences?.join(', ') || 'another audience'}. ` +
          "Add the API to the application's refresh-token policies (Multi-Resource Refresh Token) at the tenant.",
      );
    }
  }
  return {
    tokenSet: tokenSetFor({
      audience: request.audienceKey,
      accessToken: tokens.access_token,
      grantedScope: tokens.scope,
      requestedScope: request.scope,
      expiresAt: now + (tokens.expires_in ?? 3600),
      tokenType: tokens.token_type,
    }),
    refreshToken: tokens.refresh_token,
    idToken: parted.idToken as string | undefined,
    ...(idTokenClaims ? { idTokenClaims } : {}),
  };
}
