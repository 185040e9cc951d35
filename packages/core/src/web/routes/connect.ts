import { CrossSiteRequestError, MissingRequiredArgumentError } from '../../errors.js';
import { isCrossSiteNavigation } from '../cross-site.js';
import { callbackUrlFor } from '../options.js';
import { field } from '../request.js';
import { redirect } from '../response.js';
import { resolveReturnTo } from '../return-to.js';
import { type RouteHandler, storeOptionsOf } from './context.js';
import { signInResponse } from './requires-auth.js';

/**
 * `GET /auth/connect?connection=google-oauth2&scopes=calendar.readonly&returnTo=/settings`:
 * connects an upstream account through the My Account API. Needs a session: without one, the
 * browser is sent to log in first and comes back here. `scopes` may repeat or be space- or
 * comma-separated.
 *
 * A connect never starts from another site: a request with `Sec-Fetch-Site: cross-site` or
 * `same-site` is refused with {@link CrossSiteRequestError} (403) before anything else, so a link
 * elsewhere cannot walk a signed-in user to a consent page. The error page links to the same URL,
 * so a user who meant it (one who arrives from the tenant's login page that this route asked for)
 * goes on with a click on the app's own page.
 */
export const connect: RouteHandler = async (context, request) => {
  const { client, options } = context;
  if (isCrossSiteNavigation(request)) {
    throw new CrossSiteRequestError(
      'A connection can only be started from this app’s own pages.',
      request.url,
    );
  }
  const storeOptions = storeOptionsOf(request);
  if (!(await client.getUser({ storeOptions }))) return signInResponse(context, request);
  const connection = field(request, 'connection');
  if (!connection) throw new MissingRequiredArgumentError('connection');
  const scopes = request.url.searchParams
    .getAll('scopes')
    .flatMap((value) => value.split(/[\s,]+/))
    .filter(Boolean);
  const returnTo = resolveReturnTo(field(request, 'returnTo'), request.appBaseUrl);
  const callbackUrl = callbackUrlFor(options, request.appBaseUrl);
  const url = await client.startConnectAccount({
    connection,
    ...(scopes.length > 0 ? { scopes } : {}),
    ...(callbackUrl ? { redirectUri: callbackUrl } : {}),
    appState: { returnTo: returnTo.href },
    storeOptions,
  });
  return redirect(url);
};
