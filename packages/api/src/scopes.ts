import { InsufficientScopeError } from './errors.js';
import type { AccessTokenClaims } from './jwt/claims.js';

/** Whether every required scope is needed, or any one of them. */
export type ScopeMatch = 'all' | 'any';

/** A scope token per RFC 6749 §3.3: printable ASCII without space, `"` or `\`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/**
 * Everything a token grants: the space-separated `scope` claim (RFC 9068 §2.2.3) and Auth0's
 * `permissions` array (RBAC), together.
 *
 * @example
 * grantedScopes({ scope: 'read:orders', permissions: ['write:orders'] }); // Set { 'read:orders', 'write:orders' }
 */
export function grantedScopes(
  claims: Pick<AccessTokenClaims, 'scope' | 'permissions'>,
): Set<string> {
  const granted = new Set<string>();
  if (typeof claims.scope === 'string') {
    for (const scope of claims.scope.split(' ')) if (scope) granted.add(scope);
  }
  if (Array.isArray(claims.permissions)) {
    for (const permission of claims.permissions) {
      if (typeof permission === 'string' && permission) granted.add(permission);
    }
  }
  return granted;
}

/**
 * The scopes asked for, as a list: a space-separated string or an array. Throws a TypeError on a
 * value that is not a scope token, since it would end up in a challenge header.
 */
export function scopeList(scopes: string | readonly string[]): string[] {
  const list = typeof scopes === 'string' ? scopes.split(' ').filter(Boolean) : [...scopes];
  for (const scope of list) {
    if (typeof scope !== 'string' || !SCOPE_TOKEN.test(scope)) {
      throw new TypeError(`Not a scope token (RFC 6749 §3.3): ${JSON.stringify(scope)}`);
    }
  }
  return list;
}

/**
 * Whether the token grants the scopes: all of them (default), or any one with `match: 'any'`. An
 * empty requirement is always met.
 *
 * @example
 * hasScopes(claims, 'read:orders write:orders');
 * hasScopes(claims, ['admin', 'read:orders'], 'any');
 */
export function hasScopes(
  claims: Pick<AccessTokenClaims, 'scope' | 'permissions'>,
  required: string | readonly string[],
  match: ScopeMatch = 'all',
): boolean {
  const list = scopeList(required);
  if (list.length === 0) return true;
  const granted = grantedScopes(claims);
  return match === 'all'
    ? list.every((scope) => granted.has(scope))
    : list.some((scope) => granted.has(scope));
}

/**
 * Throws an {@link InsufficientScopeError} (403, the scopes needed in the challenge's `scope=`)
 * unless the token grants the scopes: the one check behind `verifyRequest`'s `scopes` and
 * `requireScopes`.
 */
export function checkScopes(
  claims: Pick<AccessTokenClaims, 'scope' | 'permissions'>,
  required: string | readonly string[],
  match: ScopeMatch = 'all',
): void {
  if (!hasScopes(claims, required, match)) throw new InsufficientScopeError(scopeList(required));
}
