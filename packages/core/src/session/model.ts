/** The audience key under which tokens for "no particular API" are kept, as in the Python SDK. */
export const DEFAULT_AUDIENCE = 'default';

/** Claims of the signed-in user: every claim of the verified ID token. */
export interface UserClaims {
  sub: string;
  name?: string;
  email?: string;
  email_verified?: boolean;
  picture?: string;
  /** Upstream session ceiling (seconds since the epoch), when the tenant sends one. */
  session_expiry?: number;
  [claim: string]: unknown;
}

/** An access token for one API (audience) and scope. */
export interface TokenSet {
  /** The API identifier, or {@link DEFAULT_AUDIENCE}. */
  audience: string;
  accessToken: string;
  /** Space-separated scopes the tenant granted. */
  scope?: string;
  /**
   * The scopes that were asked for, kept when the tenant granted a different set (it drops scopes
   * an API does not define), so the same request finds this token in the cache next time instead
   * of refreshing on every call.
   */
  requestedScope?: string;
  /** Seconds since the epoch. */
  expiresAt: number;
  /** `DPoP` for a token bound to the app's DPoP key (RFC 9449); absent for a Bearer token. */
  tokenType?: 'DPoP';
}

/** An access token for an upstream connection, from Token Vault. */
export interface ConnectionTokenSet {
  connection: string;
  loginHint?: string;
  accessToken: string;
  scope?: string;
  expiresAt: number;
}

/** Bookkeeping the app never sees through `getSession()`. */
export interface SessionInternal {
  /** The tenant's session id (`sid` of the ID token), used by back-channel logout. */
  sid: string;
  /** When the user signed in, seconds since the epoch. The absolute lifetime counts from here. */
  createdAt: number;
  /**
   * When the user signed in, milliseconds since the epoch: what a back-channel logout is compared
   * with, so a login in the same second after a logout survives it. Absent in sessions written by
   * earlier versions, which fall back to `createdAt`.
   */
  createdAtMs?: number;
  /** Last time the session was used, seconds since the epoch. The inactivity lifetime counts from here. */
  updatedAt: number;
  /** The upstream `session_expiry` ceiling, seconds since the epoch. It never moves. */
  sessionExpiresAt?: number;
}

/** Everything stored for one signed-in browser. */
export interface SessionData {
  user: UserClaims;
  /**
   * The origin of the tenant domain the session was created on (e.g. `https://login.brand-a.com`):
   * with multiple custom domains, the session is only this domain's.
   */
  domain?: string;
  /** The app's own data, from its `beforeSessionSaved` hook. */
  data?: Record<string, unknown>;
  idToken?: string;
  refreshToken?: string;
  tokenSets: TokenSet[];
  connectionTokenSets: ConnectionTokenSet[];
  internal: SessionInternal;
}

/**
 * What `getSession()` returns: the session without its internal bookkeeping, plus when it began
 * and when it ends at the latest (its lifetime and the upstream ceiling, whichever comes first).
 */
export type Session = Omit<SessionData, 'internal'> & {
  /** When the user signed in, seconds since the epoch. */
  createdAt: number;
  /** When the session ends if not used again, seconds since the epoch. */
  expiresAt: number;
};

/** The public view of a session that ends at `expiresAt`. */
export function publicSession(data: SessionData, expiresAt: number): Session {
  const { internal, ...session } = data;
  return { ...session, createdAt: internal.createdAt, expiresAt };
}

/**
 * Checks the shape of a session read back from a store. Stores hold data written by earlier
 * versions, other apps sharing a secret, or hands; anything malformed is treated as no session.
 */
export function isSessionData(value: unknown): value is SessionData {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<SessionData>;
  return (
    typeof candidate.user?.sub === 'string' &&
    (candidate.domain === undefined || typeof candidate.domain === 'string') &&
    Array.isArray(candidate.tokenSets) &&
    Array.isArray(candidate.connectionTokenSets) &&
    typeof candidate.internal?.sid === 'string' &&
    typeof candidate.internal.createdAt === 'number' &&
    typeof candidate.internal.updatedAt === 'number'
  );
}
