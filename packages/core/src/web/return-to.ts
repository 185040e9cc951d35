import { safeReturnTo } from '../redirects.js';

/**
 * Where the browser goes after a login, connect or logout: the requested `returnTo` when it stays
 * on the app's origin (SECURITY.md rules 1 and 2), else the app's base URL. The result is our own
 * serialisation of a validated URL, never the raw input.
 *
 * @example
 * resolveReturnTo('//evil.example', new URL('https://app.example.com')).href // 'https://app.example.com/'
 */
export function resolveReturnTo(input: unknown, appBaseUrl: URL): URL {
  return safeReturnTo(input, appBaseUrl) ?? new URL(appBaseUrl.href);
}

/** The `returnTo` a login or connect saved in its `appState`, checked again on the way out. */
export function returnToFromAppState(appState: unknown, appBaseUrl: URL): URL {
  const saved = (appState as { returnTo?: unknown } | null | undefined)?.returnTo;
  return resolveReturnTo(saved, appBaseUrl);
}

/** The path and query of a URL: what a login started on the user's behalf returns to. */
export const pathAndQuery = (url: URL): string => `${url.pathname}${url.search}`;
