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
