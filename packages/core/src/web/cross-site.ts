import type { WebRequest } from './request.js';

/**
 * Cross-site request checks for the auth routes that change state on a browser's behalf (logout,
 * connect). `SameSite=Lax` cookies still ride along on a top-level GET from another site, and on
 * any request from a sibling subdomain (same site), so those routes look at who started the
 * request: `Sec-Fetch-Site` (every current browser sends it) and, for a POST, `Origin`.
 */

/**
 * Whether a navigation (GET) came from another site or a sibling subdomain (`cross-site`,
 * `same-site`, or a value no browser sends). `same-origin`, `none` (typed, bookmarked) and no
 * header at all (older browsers, non-browser clients) are not.
 */
export function isCrossSiteNavigation(request: Pick<WebRequest, 'fetchSite'>): boolean {
  const site = request.fetchSite;
  return site !== undefined && site !== 'same-origin' && site !== 'none';
}

/**
 * Whether a form submission (POST) did not come from the app's own pages: `Sec-Fetch-Site` other
 * than `same-origin` or, from a browser that does not send it, an `Origin` other than the app's
 * (`null` included, as sandboxed frames and privacy redirects send). The browser sets both; a
 * page cannot. A request with neither (a non-browser client, a very old browser) is let through:
 * there is no victim's browser behind it whose cookies could be borrowed.
 */
export function isCrossSiteSubmission(
  request: Pick<WebRequest, 'fetchSite' | 'origin'>,
  appBaseUrl: URL,
): boolean {
  if (request.fetchSite !== undefined) return request.fetchSite !== 'same-origin';
  return request.origin !== undefined && request.origin !== appBaseUrl.origin;
}
