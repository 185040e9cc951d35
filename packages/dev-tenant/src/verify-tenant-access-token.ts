import { createLocalJWKSet, type JWTPayload, jwtVerify } from 'jose';
import type { TenantState } from './tenant-state.js';

/** What else a tenant JWT must be besides signed by the tenant, of one of its issuers, unexpired. */
export interface TenantJwtExpectations {
  /** Its header's `typ`, e.g. `at+jwt` for access tokens. Default: any. */
  typ?: string;
  /** Its `aud` must name this. Default: any. */
  audience?: string;
}

/**
 * Verifies a JWT this tenant signed (RS256, one of its keys), on any of its domains: `iss` may
 * be the issuer of any of them, since they are one tenant with one set of keys; not expired.
 * Resolves to its claims, or undefined for anything else.
 */
export async function verifyTenantJwt(
  state: TenantState,
  token: string,
  expectations: TenantJwtExpectations = {},
): Promise<JWTPayload | undefined> {
  const keys = state.keys.privateJwks.keys.map(({ kty, n, e, kid, alg }) => ({
    kty,
    n,
    e,
    kid,
    alg,
  }));
  try {
    const { payload } = await jwtVerify(token, createLocalJWKSet({ keys }), {
      issuer: [...state.issuers],
      algorithms: ['RS256'],
      ...(expectations.typ ? { typ: expectations.typ } : {}),
      ...(expectations.audience ? { audience: expectations.audience } : {}),
    });
    return payload;
  } catch {
    return undefined;
  }
}

/**
 * Verifies a JWT access token this tenant issued (signature, `typ: at+jwt`, expiry, and `aud` when
 * given), on any of its domains. Resolves to its claims, or undefined for anything else.
 */
export function verifyTenantAccessToken(
  state: TenantState,
  token: string,
  audience?: string,
): Promise<JWTPayload | undefined> {
  return verifyTenantJwt(state, token, { typ: 'at+jwt', audience });
}

/**
 * Verifies an ID token this tenant issued to `clientId` (signature, issuer of any domain, `aud`,
 * expiry; not an access token). Resolves to its claims, or undefined for anything else.
 */
export async function verifyTenantIdToken(
  state: TenantState,
  token: string,
  clientId: string,
): Promise<JWTPayload | undefined> {
  const payload = await verifyTenantJwt(state, token, { audience: clientId });
  // Access tokens and logout tokens are signed with the same keys; neither is an ID token.
  if (!payload || typeof payload.sub !== 'string' || isAccessToken(token) || 'events' in payload) {
    return undefined;
  }
  return payload;
}

/** Whether a JWT's header says it is an access token (`typ: at+jwt`). */
function isAccessToken(token: string): boolean {
  try {
    const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString());
    return typeof header.typ === 'string' && header.typ.toLowerCase() === 'at+jwt';
  } catch {
    return false;
  }
}
