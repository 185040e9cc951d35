import { ConfigurationError } from '@gatehouse/core';
import { checkRequiresAuthOptions, type RequiresAuthOptions } from '@gatehouse/core/web';
import type { RequestHandler } from 'express';
import { integrationOf, reply, toWebRequest } from './glue.js';

/**
 * Lets a request through only with a session. A browser navigation without one is redirected to
 * login and comes back to the URL it asked for; other requests get 401 JSON. With `options`, the
 * session must also be of an `organization`, or stepped up (`acrValues`, `maxAge`): a browser is
 * sent through login again asking for it, other requests get 403. A failure to read the session (a
 * store outage) is an error, never a pass (it fails closed). Options are checked here, at set-up.
 *
 * @example
 * app.get('/profile', requiresAuth(), async (req, res) => res.json(await req.auth.getUser()));
 * app.get('/admin', requiresAuth({ acrValues: MFA, maxAge: 600 }), adminPage);
 */
export function requiresAuth(options?: RequiresAuthOptions): RequestHandler {
  const checked = checkRequiresAuthOptions(options);
  return (req, res, next) => {
    const web = integrationOf(req);
    if (!web) {
      return next(
        new ConfigurationError('requiresAuth', 'needs app.use(auth(...)) to be mounted before it.'),
      );
    }
    web
      .requiresAuth(toWebRequest(web, req, res), checked)
      .then((outcome) => (outcome ? reply(web, outcome, res, next) : next()), next);
  };
}

/**
 * Silent login for one route (or `auth({ attemptSilentLogin: true })` for every page): the first
 * anonymous page view of a browser session goes once through the tenant with `prompt=none`,
 * signing in a user the tenant knows without a click; an anonymous user comes back anonymous, and
 * is not sent again in that browser session. POSTs and API calls are never redirected.
 *
 * @example
 * app.get('/', attemptSilentLogin(), homePage);
 */
export function attemptSilentLogin(): RequestHandler {
  return (req, res, next) => {
    const web = integrationOf(req);
    if (!web) {
      return next(
        new ConfigurationError(
          'attemptSilentLogin',
          'needs app.use(auth(...)) to be mounted before it.',
        ),
      );
    }
    web
      .silentLogin(toWebRequest(web, req, res))
      .then((outcome) => (outcome ? reply(web, outcome, res, next) : next()), next);
  };
}
