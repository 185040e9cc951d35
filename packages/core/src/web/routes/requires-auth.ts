import { appUrl } from '../options.js';
import { type WebRequest, wantsHtml } from '../request.js';
import { json, redirect, type WebResponse } from '../response.js';
import { pathAndQuery } from '../return-to.js';
import { type RouteContext, storeOptionsOf } from './context.js';

/**
 * What a request without a session gets: a browser navigation is redirected to the login route
 * with `returnTo` set to the path and query it asked for; anything else gets 401 JSON.
 */
export function signInResponse({ options }: RouteContext, request: WebRequest): WebResponse {
  if (options.routes.login && wantsHtml(request)) {
    const login = appUrl(request.appBaseUrl, options.routes.login);
    login.searchParams.set('returnTo', pathAndQuery(request.url));
    return redirect(login);
  }
  return json(401, {
    error: 'missing_session',
    error_description: 'Sign in first: this resource needs a session.',
  });
}

/**
 * The `requiresAuth` decision: `undefined` lets the request through (it has a session), otherwise
 * the response to send. Errors (a session store that is down) are thrown: the request fails
 * closed, it is never let through.
 */
export async function requiresAuth(
  context: RouteContext,
  request: WebRequest,
): Promise<WebResponse | undefined> {
  const user = await context.client.getUser({ storeOptions: storeOptionsOf(request) });
  return user ? undefined : signInResponse(context, request);
}
