import { CrossSiteRequestError } from '../../errors.js';
import { logoutConfirmPage } from '../confirm-page.js';
import { isCrossSiteNavigation, isCrossSiteSubmission } from '../cross-site.js';
import { appUrl } from '../options.js';
import { field, type WebRequest } from '../request.js';
import { redirect } from '../response.js';
import { resolveReturnTo } from '../return-to.js';
import { type RouteContext, type RouteHandler, storeOptionsOf } from './context.js';

/**
 * `GET|POST /auth/logout`: ends the session here, then sends the browser to the tenant's logout,
 * which returns it to `returnTo` (query or form field; same origin only, else the app's base URL,
 * which must be an allowed logout URL at the tenant).
 *
 * Another site cannot sign the user out (a logout CSRF): a GET from another site or a sibling
 * subdomain (`Sec-Fetch-Site: cross-site` / `same-site`) gets a confirm page whose button POSTs
 * here, and a POST must come from the app's own pages (`Sec-Fetch-Site: same-origin`, or an
 * `Origin` that is the app's), else {@link CrossSiteRequestError} (403). A GET that is typed,
 * bookmarked or from the app itself (or from a browser that sends no `Sec-Fetch-Site`) logs out
 * at once, as users expect of a "Sign out" link.
 */
export const logout: RouteHandler = async (context, request) => {
  const { client } = context;
  const returnTo = resolveReturnTo(field(request, 'returnTo', 'either'), request.appBaseUrl);
  if (request.method === 'POST' && isCrossSiteSubmission(request, request.appBaseUrl)) {
    throw new CrossSiteRequestError('A logout must be submitted from this app’s own pages.');
  }
  if (request.method !== 'POST' && isCrossSiteNavigation(request)) {
    return logoutConfirmPage(logoutRoute(context, request), returnTo, request.appBaseUrl);
  }
  const url = await client.logout({
    returnTo: returnTo.href,
    storeOptions: storeOptionsOf(request),
  });
  return redirect(url);
};

/** Where the confirm page posts: this route, as configured (its path without the query). */
function logoutRoute(
  { options }: RouteContext,
  request: Pick<WebRequest, 'url' | 'appBaseUrl'>,
): URL {
  return options.routes.logout ? appUrl(request.appBaseUrl, options.routes.logout) : request.url;
}
