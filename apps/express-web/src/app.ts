import {
  ADMIN_STEP_UP,
  authOptions,
  type DemoApp,
  type DemoConfig,
  DemoPages,
  FAVICON,
  type RenderedPage,
} from '@gatehouse/demo-ui';
import { type AuthOptions, auth, requiresAuth } from '@gatehouse/express';
import express, {
  type ErrorRequestHandler,
  type Express,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';

const send = (res: Response, page: RenderedPage | string) => {
  const { status, html } = typeof page === 'string' ? { status: 200, html: page } : page;
  res.status(status).type('html').send(html);
};

/** This app in the demo: its cookie prefix, its name and its port (`PORT` changes it). */
export const EXPRESS_WEB_APP: DemoApp = {
  appId: 'express-web',
  appName: 'Gatehouse · Express demo',
  defaultPort: 3000,
};

/**
 * The demo web app on Express: every page is a few lines over `@gatehouse/express`.
 * `overrides` replace Gatehouse options (tests use it; the demo needs none).
 *
 * @example
 * createExpressWebApp(demoConfig(EXPRESS_WEB_APP)).listen(3000);
 */
export function createExpressWebApp(
  config: DemoConfig,
  overrides: Partial<AuthOptions> = {},
): Express {
  const pages = new DemoPages(config);
  const app = express();
  app.disable('x-powered-by');
  app.get(FAVICON.path, (_req, res) => {
    res.type(FAVICON.contentType).set('cache-control', 'public, max-age=86400').send(FAVICON.body);
  });
  app.use(auth({ ...authOptions(config), ...overrides }));
  // The demo's forms post a field or two. They are safe from cross-site posts because the session
  // cookie is SameSite=Lax: another site's form arrives without it and meets requiresAuth().
  app.use(express.urlencoded({ extended: false, limit: '4kb' }));

  const page =
    (render: (req: Request) => Promise<RenderedPage | string>): RequestHandler =>
    async (req, res, next) => {
      try {
        send(res, await render(req));
      } catch (error) {
        next(error);
      }
    };

  app.get(
    '/',
    page((req) => pages.home(req.auth)),
  );
  app.get(
    '/profile',
    requiresAuth(),
    page((req) => pages.profile(req.auth)),
  );
  app.get(
    '/admin',
    requiresAuth(ADMIN_STEP_UP),
    page((req) => pages.admin(req.auth)),
  );
  app.get(
    '/tokens',
    requiresAuth(),
    page((req) => pages.tokens(req.auth)),
  );
  app.post(
    '/tokens/call',
    requiresAuth(),
    page((req) => pages.callApi(req.auth, req.body?.call)),
  );
  app.get(
    '/accounts',
    requiresAuth(),
    page((req) => pages.accounts(req.auth)),
  );
  app.post(
    '/accounts/upstream',
    requiresAuth(),
    page((req) => pages.callUpstream(req.auth, req.body?.connection)),
  );
  // Every session of the user ends (all devices); then this browser's tenant session too.
  app.post('/sign-out-everywhere', requiresAuth(), async (req, res, next) => {
    try {
      await req.auth.logoutEverywhere();
      res.redirect(303, '/auth/logout');
    } catch (error) {
      next(error);
    }
  });
  app.post('/accounts/delete', requiresAuth(), async (req, res, next) => {
    try {
      await pages.deleteAccount(req.auth, req.body?.id);
      res.redirect(303, '/accounts');
    } catch (error) {
      next(error);
    }
  });

  app.get(
    '/passwordless',
    page((req) => pages.passwordless(req.auth)),
  );
  // A call-centre agent asks a customer to approve on their own device (CIBA).
  app.get(
    '/ciba',
    requiresAuth(),
    page((req) => pages.backchannel(req.auth)),
  );
  app.post('/ciba', requiresAuth(), async (req, res, next) => {
    try {
      const onward = await pages.askBackchannel(req.auth, req.body);
      if (typeof onward === 'string') res.redirect(303, onward);
      else send(res, onward);
    } catch (error) {
      next(error);
    }
  });
  app.get(
    '/ciba/:id',
    requiresAuth(),
    page((req) => pages.backchannelWait(req.auth, req.params.id)),
  );

  app.use(page((req) => pages.notFound(req.auth)));
  // Gatehouse's route errors (with `errors: 'next'`) and the pages' errors end here, as a friendly
  // page with the error's code and a message that is safe to show.
  const onError: ErrorRequestHandler = async (error, req, res, _next) => {
    send(res, await pages.error(req.auth, error));
  };
  app.use(onError);
  return app;
}
