/**
 * Characters that browsers strip or reinterpret in URLs (tabs, newlines, NUL and the other
 * control characters) or treat as a path separator (backslash): none belongs in a return address.
 */
function hasSuspiciousCharacter(value: string): boolean {
  for (let index = 0; index < value.length; index += 1) {
    const code = value.charCodeAt(index);
    if (code <= 0x1f || code === 0x7f || code === 0x5c) return true;
  }
  return false;
}

/**
 * Resolves a `returnTo` that came from a request against the app's base URL, and keeps it only
 * if the result stays on the app's origin (SECURITY.md rule 1). Absolute URLs to other origins,
 * `//host`, `/\host`, encoded slashes, `javascript:`/`data:` URLs, control characters,
 * `user@host` tricks and dot segments that normalise to `//host` all give `undefined`; callers
 * then fall back to a safe default.
 *
 * Set `Location` from the returned URL's `href`, never from the raw input.
 *
 * @example
 * safeReturnTo('/orders?page=2', 'https://app.example.com') // URL https://app.example.com/orders?page=2
 * safeReturnTo('//evil.example', 'https://app.example.com') // undefined
 */
export function safeReturnTo(input: unknown, appBaseUrl: string | URL): URL | undefined {
  if (typeof input !== 'string' || input.length === 0 || input.length > 2048) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(input);
  } catch {
    return undefined;
  }
  for (const candidate of [input, decoded]) {
    if (hasSuspiciousCharacter(candidate) || /^\s*\/\//.test(candidate)) return undefined;
  }
  const base = new URL(appBaseUrl);
  const url = URL.parse(input, base);
  if (!url || url.origin !== base.origin || url.username || url.password) return undefined;
  // The check is on the normalised URL: dot segments (`/.//evil.example`, `/%2e%2e//evil.example`)
  // collapse into a path that starts with `//`, which any relative use would read as a host.
  if (url.pathname.startsWith('//')) return undefined;
  return url;
}
