import { createLocalJWKSet, type JWTPayload, jwtVerify } from 'jose';
import type { TenantState } from './tenant-state.js';

/**
 * Verifies a JWT access token this tenant issued (signature, `typ: at+jwt`, expiry, and `aud` when
 * given), on any of its domains: `iss` may be the issuer of any of them, since they are one tenant
 * with one set of keys. Resolves to its claims, or undefined for anything else.
 */
export async function verifyTenantAccessToken(
  state: TenantState,
  token: string,
  audience?: string,
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
      typ: 'at+jwt',
      algorithms: ['RS256'],
      ...(audience ? { audience } : {}),
    });
    return payload;
  } catch {
    return undefined;
  }
}
