import { authCookieDefaults } from '../../cookies/cookie-jar.js';
import { appUrl } from '../options.js';
import { type WebRequest, wantsHtml } from '../request.js';
import { redirect, type WebResponse } from '../response.js';
import { pathAndQuery } from '../return-to.js';
import { type RouteContext, storeOptionsOf } from './context.js';

/** Remembers, for the browser session, that a silent login was tried: one round trip, no loop. */
export const SILENT_LOGIN_COOKIE = 'gatehouse.silent';

/**
 * Silent login (`prompt=none`): the first anonymous page view of a browser session (a `GET` that
 * accepts HTML, never a POST or an API call) goes once through the tenant, which signs in a user it
 * knows without a form and answers `login_required` otherwise (the callback then sends the browser
 * back, anonymous). Undefined when the request goes on as it is.
 */
export async function silentLogin(
  context: RouteContext,
  request: WebRequest,
): Promise<WebResponse | undefined> {
  const { options, client } = context;
  if (!options.routes.login || request.method !== 'GET' || !wantsHtml(request)) return undefined;
  // Never on the integration's own routes (the login itself, the callback, ...).
  const routePaths = Object.values(options.routes).filter((path) => path !== false);
  if (
    routePaths.some((path) => appUrl(request.appBaseUrl, path).pathname === request.url.pathname)
  ) {
    return undefined;
  }
  if (request.cookies.get(SILENT_LOGIN_COOKIE) !== undefined) return undefined;
  if (await client.getUser({ storeOptions: storeOptionsOf(request) })) return undefined;
  // A session cookie (no Max-Age): the next browser session may try again.
  request.cookies.set(SILENT_LOGIN_COOKIE, '1', authCookieDefaults(options.secure));
  const login = appUrl(request.appBaseUrl, options.routes.login);
  login.searchParams.set('returnTo', pathAndQuery(request.url));
  login.searchParams.set('prompt', 'none');
  return redirect(login);
}
