import type { ConnectionTokenSet, SessionData, TokenSet } from './model.js';
import { splitScope } from './scopes.js';

/** What a refresh (or Token Vault exchange) brings back, ready to be stored. */
export interface TokenUpdate {
  tokenSet: TokenSet;
  /** A rotated refresh token; it replaces the stored one. */
  refreshToken?: string;
  /** A new ID token; absent means "keep the current one". */
  idToken?: string;
  /** The new ID token's verified claims, when there is one. */
  idTokenClaims?: Readonly<Record<string, unknown>>;
}

/** Whether two scope strings name the same set of scopes, in any order. */
export function sameScopes(a: string | undefined, b: string | undefined): boolean {
  const left = new Set(splitScope(a));
  const right = new Set(splitScope(b));
  return left.size === right.size && [...right].every((item) => left.has(item));
}

/** When a cached token still counts: `now` in seconds, and the seconds before expiry it stops. */
export interface Freshness {
  now: number;
  leeway: number;
}

/** A token set, remembering the requested scopes when the tenant granted others. */
export function tokenSetFor(token: {
  audience: string;
  accessToken: string;
  /** The `scope` the tenant answered with, if any. */
  grantedScope: string | undefined;
  /** The scope asked for. */
  requestedScope: string | undefined;
  /** Seconds since the epoch. */
  expiresAt: number;
  /** The token response's `token_type`: `DPoP` (any case) marks a DPoP-bound token. */
  tokenType?: string | undefined;
}): TokenSet {
  const { audience, accessToken, grantedScope, requestedScope, expiresAt } = token;
  const scope = grantedScope ?? requestedScope;
  return {
    audience,
    accessToken,
    ...(scope !== undefined ? { scope } : {}),
    ...(requestedScope !== undefined && !sameScopes(scope, requestedScope)
      ? { requestedScope }
      : {}),
    expiresAt,
    ...(token.tokenType?.toLowerCase() === 'dpop' ? { tokenType: 'DPoP' as const } : {}),
  };
}

const usable = (expiresAt: number, now: number, leeway: number) => expiresAt - leeway > now;

/**
 * The cached token for an audience that covers the requested scopes and stays valid for longer
 * than `leeway` seconds: an exact scope match first, otherwise the smallest covering set (so a
 * narrow request does not pick a broad token when a narrow one exists).
 */
export function findTokenSet(
  tokenSets: readonly TokenSet[],
  { audience, scope }: { audience: string; scope: string | undefined },
  { now, leeway }: Freshness,
): TokenSet | undefined {
  const requested = new Set(splitScope(scope));
  let best: { tokenSet: TokenSet; size: number } | undefined;
  for (const tokenSet of tokenSets) {
    if (tokenSet.audience !== audience || !usable(tokenSet.expiresAt, now, leeway)) continue;
    if (tokenSet.requestedScope !== undefined && sameScopes(tokenSet.requestedScope, scope))
      return tokenSet;
    const granted = new Set(splitScope(tokenSet.scope));
    if (![...requested].every((item) => granted.has(item))) continue;
    if (granted.size === requested.size) return tokenSet;
    if (!best || granted.size < best.size) best = { tokenSet, size: granted.size };
  }
  return best?.tokenSet;
}

/**
 * The session after a refresh: the new token set replaces the one for the same audience and
 * scopes, expired sets are dropped (they only cost cookie bytes), a rotated refresh token replaces
 * the old one, and the internal bookkeeping, including the `session_expiry` ceiling, is untouched.
 */
export function applyTokenUpdate(
  session: SessionData,
  update: TokenUpdate,
  now: number,
): SessionData {
  const { tokenSet } = update;
  const tokenSets = session.tokenSets.filter(
    (existing) =>
      existing.expiresAt > now &&
      !(
        existing.audience === tokenSet.audience &&
        sameScopes(
          existing.requestedScope ?? existing.scope,
          tokenSet.requestedScope ?? tokenSet.scope,
        )
      ),
  );
  return {
    ...session,
    tokenSets: [...tokenSets, tokenSet],
    refreshToken: update.refreshToken ?? session.refreshToken,
    idToken: update.idToken ?? session.idToken,
  };
}

/** The cached upstream token for a connection (and login hint) that stays valid past `leeway`. */
export function findConnectionTokenSet(
  sets: readonly ConnectionTokenSet[],
  { connection, loginHint }: { connection: string; loginHint: string | undefined },
  { now, leeway }: Freshness,
): ConnectionTokenSet | undefined {
  return sets.find(
    (set) =>
      set.connection === connection &&
      set.loginHint === loginHint &&
      usable(set.expiresAt, now, leeway),
  );
}

/** The session with an upstream token stored for its connection and login hint. */
export function applyConnectionTokenSet(
  session: SessionData,
  set: ConnectionTokenSet,
  now: number,
): SessionData {
  const others = session.connectionTokenSets.filter(
    (existing) =>
      existing.expiresAt > now &&
      !(existing.connection === set.connection && existing.loginHint === set.loginHint),
  );
  return { ...session, connectionTokenSets: [...others, set] };
}
