import { ConfigurationError } from '@gatehouse/core';
import type { RequestHandler } from 'express';
import { integrationOf, reply, toWebRequest } from './glue.js';

/**
 * Lets a request through only with a session. A browser navigation without one is redirected to
 * login and comes back to the URL it asked for; other requests get 401 JSON. A failure to read
 * the session (a store outage) is an error, never a pass (it fails closed).
 *
 * @example
 * app.get('/profile', requiresAuth(), async (req, res) => res.json(await req.auth.getUser()));
 */
export function requiresAuth(): RequestHandler {
  return (req, res, next) => {
    const web = integrationOf(req);
    if (!web) {
      return next(
        new ConfigurationError('requiresAuth', 'needs app.use(auth(...)) to be mounted before it.'),
      );
    }
    web
      .requiresAuth(toWebRequest(web, req, res))
      .then((outcome) => (outcome ? reply(web, outcome, res, next) : next()), next);
  };
}
