import { createLocalJWKSet, type JWTPayload, jwtVerify } from 'jose';
import type { TenantState } from './tenant-state.js';

/**
 * Verifies a JWT access token this tenant issued (signature, `iss`, `typ: at+jwt`, expiry, and
 * `aud` when given). Resolves to its claims, or undefined for anything else.
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
      issuer: state.issuer,
      typ: 'at+jwt',
      algorithms: ['RS256'],
      ...(audience ? { audience } : {}),
    });
    return payload;
  } catch {
    return undefined;
  }
}
