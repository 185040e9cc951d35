import { field } from '../request.js';
import { redirect } from '../response.js';
import { resolveReturnTo } from '../return-to.js';
import { type RouteHandler, storeOptionsOf } from './context.js';

/**
 * `GET|POST /auth/logout`: ends the session here, then sends the browser to the tenant's logout,
 * which returns it to `returnTo` (query or form field; same origin only, else the app's base URL,
 * which must be an allowed logout URL at the tenant).
 */
export const logout: RouteHandler = async ({ client, options }, request) => {
  const returnTo = resolveReturnTo(field(request, 'returnTo', 'either'), options.appBaseUrl);
  const url = await client.logout({
    returnTo: returnTo.href,
    storeOptions: storeOptionsOf(request),
  });
  return redirect(url);
};
