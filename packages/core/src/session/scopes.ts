import { DEFAULT_AUDIENCE } from './model.js';

/** Scope asked for at login when none is configured. `offline_access` brings a refresh token. */
export const DEFAULT_SCOPE = 'openid profile email offline_access';

/** A scope string, or one per audience (Multi-Resource Refresh Tokens). */
export type ScopeOption = string | Readonly<Record<string, string>>;

/** Splits a space-separated scope string. */
export function splitScope(scope: string | undefined | null): string[] {
  return (scope ?? '').split(/\s+/).filter((word) => word.length > 0);
}

/** Joins scope lists, keeping the first occurrence of each scope and its order. */
export function mergeScopes(...lists: ReadonlyArray<string | undefined>): string {
  return [...new Set(lists.flatMap((list) => splitScope(list)))].join(' ');
}

/**
 * The configured scope for an audience: the string when `scope` is one; the audience's entry when
 * it is a map (the default audience uses the `default` entry).
 */
export function scopeForAudience(scope: ScopeOption | undefined, audience: string | undefined) {
  if (scope === undefined || typeof scope === 'string') return scope;
  return scope[audience ?? DEFAULT_AUDIENCE];
}

/** The scope sent at login: the audience's configured scope (or the default) plus any extra, with `openid`. */
export function loginScope(
  configured: ScopeOption | undefined,
  audience: string | undefined,
  extra?: string,
): string {
  return mergeScopes('openid', scopeForAudience(configured, audience) ?? DEFAULT_SCOPE, extra);
}
