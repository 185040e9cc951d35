import { WebAuth, type WebAuthOptions } from '@gatehouse/core/web';
import express, { type RequestHandler, type Router } from 'express';
import { attach, reply, toWebRequest } from './glue.js';

/** Options of {@link auth}: see `WebAuthOptions` in `@gatehouse/core/web`. */
export interface AuthOptions extends WebAuthOptions {}

/**
 * Whether a request path could match one of the routes' paths, as Express's router matches them
 * (case-insensitive, a trailing slash allowed). Errs towards yes: with any path that is a pattern
 * rather than plain text, every request could be a route.
 */
function routeFilter(paths: readonly string[]): (path: string) => boolean {
  if (paths.some((path) => /[:*{}()?+[\]\\]/.test(path))) return () => true;
  const normalize = (path: string) => path.replace(/\/+$/, '').toLowerCase();
  const known = new Set(paths.map(normalize));
  return (path) => known.has(normalize(path));
}

/**
 * Auth0 for an Express app: mounts the login, callback, logout, back-channel logout and connect
 * routes, and attaches `req.auth` to every request. Options default to the environment
 * (`AUTH0_DOMAIN`, `AUTH0_CLIENT_ID`, `AUTH0_CLIENT_SECRET`, `AUTH0_SECRET`, `APP_BASE_URL`,
 * `AUTH0_AUDIENCE`); a mistake throws a `ConfigurationError` naming the option, here and now.
 *
 * @example
 * app.use(auth({ appBaseUrl: 'https://app.example.com' }));
 * app.get('/profile', requiresAuth(), async (req, res) => res.json(await req.auth.getUser()));
 */
export function auth(options: AuthOptions = {}): Router {
  const web = new WebAuth(options);
  const router = express.Router();
  // Only the POST routes read a body: a form, or JSON from `fetch` (a passkey credential is a few
  // kilobytes); the app's own body parsing is left alone.
  const form = express.urlencoded({ extended: false, limit: '16kb' });
  const json = express.json({ limit: '64kb' });

  const mayBeRoute = routeFilter(web.routes.map((route) => route.path));
  router.use((req, res, next) => {
    attach(web, req, res);
    // A page of the app leaves the router at once, instead of being matched against every route.
    const leave = mayBeRoute(req.path) ? undefined : 'router';
    if (!web.options.attemptSilentLogin) return next(leave);
    web
      .silentLogin(toWebRequest(web, req, res))
      .then((outcome) => (outcome ? reply(web, outcome, res, next) : next(leave)), next);
  });
  for (const route of web.routes) {
    const handler: RequestHandler = (req, res, next) => {
      web
        .handle(route.name, toWebRequest(web, req, res))
        .then((outcome) => reply(web, outcome, res, next), next);
    };
    // A body that cannot be parsed (malformed, too large) is treated as no body: the route then
    // answers with its own named error instead of the body parser's page.
    const withForm: RequestHandler = (req, res, next) =>
      form(req, res, () => json(req, res, () => handler(req, res, next)));
    for (const method of route.methods) {
      if (method === 'GET') router.get(route.path, handler);
      else router.post(route.path, withForm);
    }
  }
  return router;
}
