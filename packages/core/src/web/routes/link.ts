import { CrossSiteRequestError, MissingRequiredArgumentError } from '../../errors.js';
import { isCrossSiteNavigation } from '../cross-site.js';
import { callbackUrlFor } from '../options.js';
import { field } from '../request.js';
import { redirect } from '../response.js';
import { resolveReturnTo } from '../return-to.js';
import { type RouteHandler, storeOptionsOf } from './context.js';
import { signInResponse } from './requires-auth.js';

/**
 * `GET /auth/link?connection=github&returnTo=/profile` and `GET /auth/unlink?connection=github`:
 * links another identity to the signed-in user, or unlinks one, through the tenant, and comes back
 * to `returnTo` still signed in. A request another site started is refused (403
 * `cross_site_request`): it would change the user's account.
 */
const linkRoute =
  (action: 'link' | 'unlink'): RouteHandler =>
  async (context, request) => {
    const { client, options } = context;
    if (isCrossSiteNavigation(request)) {
      throw new CrossSiteRequestError(
        `An account can only be ${action}ed from this app’s own pages.`,
        request.url,
      );
    }
    const storeOptions = storeOptionsOf(request);
    if (!(await client.getUser({ storeOptions }))) return signInResponse(context, request);
    const connection = field(request, 'connection');
    if (!connection) throw new MissingRequiredArgumentError('connection');
    const returnTo = resolveReturnTo(field(request, 'returnTo'), request.appBaseUrl);
    const redirectUri = callbackUrlFor(options, request.appBaseUrl);
    const start = action === 'link' ? client.startLinkUser : client.startUnlinkUser;
    const url = await start.call(client, {
      connection,
      appState: { returnTo: returnTo.href },
      ...(redirectUri ? { authorizationParams: { redirect_uri: redirectUri } } : {}),
      storeOptions,
    });
    return redirect(url);
  };

export const link = linkRoute('link');
export const unlink = linkRoute('unlink');
