/**
 * The one token-minting kit of every package's tests: test keys and their JWKS, access tokens,
 * logout tokens and DPoP proofs, well-formed or hostile, and any other JWT through `signJws`.
 * Signing goes through jose (an implementation independent of the code under test); only what
 * jose refuses to produce (`alg: none`, raw segments) is assembled by hand.
 */
import { KeyObject, randomUUID } from 'node:crypto';
import { CompactSign, calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';

export const AUDIENCE = 'https://api.example.com';

/** A signing key pair with its public JWK, as a tenant or a DPoP client holds it. */
export interface TestKey {
  alg: string;
  kid: string;
  /** A node:crypto key, not bound to one algorithm, so hostile rows can misuse it. */
  privateKey: KeyObject;
  /** The public JWK, with `kid`, `alg` and `use`, as a JWKS publishes it. */
  publicJwk: JWK;
}

/** Makes a key pair for `alg` (RSA keys are 2048 bits unless `modulusLength` says otherwise). */
export async function generateTestKey(
  alg = 'RS256',
  options: { kid?: string; modulusLength?: number; crv?: string } = {},
): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, {
    extractable: true,
    ...(options.modulusLength ? { modulusLength: options.modulusLength } : {}),
    ...(options.crv ? { crv: options.crv } : {}),
  });
  const kid = options.kid ?? randomUUID();
  return {
    alg,
    kid,
    privateKey: KeyObject.from(privateKey),
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' },
  };
}

/** The JWKS body publishing keys. */
export function jwksOf(...keys: TestKey[]): { keys: JWK[] } {
  return { keys: keys.map((key) => key.publicJwk) };
}

const encode = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/**
 * Signs any header and payload: `payload` may be an object or raw JSON text (to write claims of
 * the wrong type). `key` is a test key, an HMAC secret, or `'none'` for an unsigned token.
 */
export async function signJws(
  header: Record<string, unknown>,
  payload: unknown,
  key: TestKey | Uint8Array | 'none',
): Promise<string> {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  if (key === 'none') return `${encode(header)}.${encode(body)}.`;
  const signer = new CompactSign(new TextEncoder().encode(body)).setProtectedHeader(
    header as { alg: string },
  );
  const crit = Array.isArray(header.crit)
    ? Object.fromEntries(header.crit.map((name) => [name, true]))
    : undefined;
  return signer.sign(key instanceof Uint8Array ? key : key.privateKey, crit ? { crit } : undefined);
}

/** Claims of a valid access token from `issuer`, at clock `now` (seconds). */
export function accessTokenClaims(
  issuer: string,
  now: number,
  claims: Record<string, unknown> = {},
) {
  return {
    iss: issuer,
    sub: 'auth0|alice',
    aud: AUDIENCE,
    iat: now,
    exp: now + 3600,
    scope: 'read:orders write:orders',
    client_id: 'demo-web',
    jti: randomUUID(),
    ...claims,
  };
}

/** A signed access token: valid by default, with claims and header members overridable. */
export function mintAccessToken(
  key: TestKey,
  options: {
    issuer: string;
    now: number;
    claims?: Record<string, unknown>;
    header?: Record<string, unknown>;
  },
): Promise<string> {
  return signJws(
    { alg: key.alg, kid: key.kid, typ: 'at+jwt', ...options.header },
    accessTokenClaims(options.issuer, options.now, options.claims),
    key,
  );
}

/** The `events` claim of every back-channel logout token (OpenID Back-Channel Logout 1.0 §2.4). */
export const BACKCHANNEL_LOGOUT_EVENTS = {
  'http://schemas.openid.net/event/backchannel-logout': {},
};

/** Claims of a valid logout token from `issuer` to the client `audience`, at clock `now` (seconds). */
export function logoutTokenClaims(
  issuer: string,
  audience: string,
  now: number,
  claims: Record<string, unknown> = {},
) {
  return {
    iss: issuer,
    aud: audience,
    iat: now,
    jti: randomUUID(),
    events: BACKCHANNEL_LOGOUT_EVENTS,
    ...claims,
  };
}

/** A signed logout token (`typ: logout+jwt`): valid by default, claims and header overridable. */
export function mintLogoutToken(
  key: TestKey,
  options: {
    issuer: string;
    audience: string;
    now: number;
    claims?: Record<string, unknown>;
    header?: Record<string, unknown>;
  },
): Promise<string> {
  return signJws(
    { alg: key.alg, kid: key.kid, typ: 'logout+jwt', ...options.header },
    logoutTokenClaims(options.issuer, options.audience, options.now, options.claims),
    key,
  );
}

/**
 * A copy of a token with header members replaced and the signature left as it was (so no longer
 * valid): cheap hostile variants for rules checked before the signature, by the thousand.
 */
export function withHeader(token: string, header: Record<string, unknown>): string {
  const [head, payload, signature] = token.split('.') as [string, string, string];
  const decoded = JSON.parse(Buffer.from(head, 'base64url').toString());
  return `${encode({ ...decoded, ...header })}.${payload}.${signature}`;
}

/** RFC 7638 thumbprint of a key, by jose: what `cnf.jkt` holds for a DPoP-bound token. */
export function thumbprintOf(key: TestKey): Promise<string> {
  return calculateJwkThumbprint(key.publicJwk, 'sha256');
}

/** `ath` of an access token (RFC 9449 §4.2). */
export async function athOf(accessToken: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(accessToken));
  return Buffer.from(digest).toString('base64url');
}

/** A DPoP proof for a request, valid by default; every claim and header member overridable. */
export async function mintDpopProof(
  key: TestKey,
  options: {
    method: string;
    url: string;
    accessToken: string;
    now: number;
    claims?: Record<string, unknown>;
    header?: Record<string, unknown>;
  },
): Promise<string> {
  const { kid: _kid, alg: _alg, use: _use, ...jwk } = key.publicJwk;
  return signJws(
    { typ: 'dpop+jwt', alg: key.alg, jwk, ...options.header },
    {
      jti: randomUUID(),
      htm: options.method,
      htu: options.url,
      iat: options.now,
      ath: await athOf(options.accessToken),
      ...options.claims,
    },
    key,
  );
}
