import { BackchannelLogoutError } from '../../errors.js';
import { field } from '../request.js';
import { json, NO_STORE } from '../response.js';
import { type RouteHandler, storeOptionsOf } from './context.js';

const FORM = 'application/x-www-form-urlencoded';

/**
 * `POST /auth/backchannel-logout` (OpenID Connect Back-Channel Logout 1.0 §2.5): the tenant posts a
 * `logout_token` form field; the sessions it names end. 200 on success; a missing or refused token throws a
 * {@link BackchannelLogoutError} (400 JSON). The response is never cached (§2.8).
 */
export const backchannelLogout: RouteHandler = async ({ client }, request) => {
  // §2.5: the token comes as a form. A JSON body (which an app's own JSON parser, or a framework,
  // may have parsed already) is refused, so every integration accepts exactly the same requests.
  if (request.contentType !== FORM) {
    throw new BackchannelLogoutError(`The logout token must be posted as ${FORM}.`);
  }
  const logoutToken = field(request, 'logout_token', 'body');
  if (!logoutToken) {
    throw new BackchannelLogoutError('The request has no logout_token form field.');
  }
  await client.handleBackchannelLogout({ logoutToken, storeOptions: storeOptionsOf(request) });
  const response = json(200, {});
  response.headers['cache-control'] = NO_STORE;
  return response;
};
