import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import type { IssuerInfo } from '../support/issuer.js';

/**
 * The physical limit of verification: one bare `node:crypto` RS256 verify of the token's
 * signature with a key imported once. No parsing of the header or claims, no `kid` lookup, no
 * claim checks: every real verifier does at least this much work.
 */
export async function rs256Verifier(issuer: IssuerInfo): Promise<(token: string) => boolean> {
  const response = await fetch(issuer.jwksUri);
  const { keys } = (await response.json()) as { keys: Array<Record<string, unknown>> };
  const jwk = keys.find((key) => key.alg === 'RS256');
  if (!jwk) throw new Error('the issuer publishes no RS256 key');
  const key: KeyObject = createPublicKey({ key: jwk as never, format: 'jwk' });
  return (token) => {
    const dot = token.lastIndexOf('.');
    if (dot < 0) return false;
    return verify(
      'sha256',
      Buffer.from(token.slice(0, dot)),
      key,
      Buffer.from(token.slice(dot + 1), 'base64url'),
    );
  };
}
