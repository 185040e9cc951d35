import { callbackUrlFor } from '../options.js';
import { field } from '../request.js';
import { redirect } from '../response.js';
import { resolveReturnTo } from '../return-to.js';
import { type RouteHandler, storeOptionsOf } from './context.js';

/**
 * `GET /auth/login?returnTo=/orders`: starts a login and redirects to the tenant. `returnTo` is
 * checked now and again at the callback; anything off-origin becomes the app's base URL.
 */
export const login: RouteHandler = async ({ client, options }, request) => {
  const returnTo = resolveReturnTo(field(request, 'returnTo'), request.appBaseUrl);
  const redirectUri = callbackUrlFor(options, request.appBaseUrl);
  const url = await client.startInteractiveLogin({
    appState: { returnTo: returnTo.href },
    ...(redirectUri ? { authorizationParams: { redirect_uri: redirectUri } } : {}),
    storeOptions: storeOptionsOf(request),
  });
  return redirect(url);
};
