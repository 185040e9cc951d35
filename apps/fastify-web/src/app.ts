import {
  ADMIN_STEP_UP,
  authOptions,
  type DemoApp,
  type DemoConfig,
  DemoPages,
  FAVICON,
  type RenderedPage,
} from '@gatehouse/demo-ui';
import { type GatehouseOptions, gatehouse } from '@gatehouse/fastify';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';

/** The demo's forms post a field or two. */
const FORM_BODY_LIMIT = 4 * 1024;

type Form = Record<string, string | undefined>;
const send = (reply: FastifyReply, page: RenderedPage | string) => {
  const { status, html } = typeof page === 'string' ? { status: 200, html: page } : page;
  return reply.code(status).type('text/html; charset=utf-8').send(html);
};

/** This app in the demo: its cookie prefix, its name and its port (`PORT` changes it). */
export const FASTIFY_WEB_APP: DemoApp = {
  appId: 'fastify-web',
  appName: 'Gatehouse · Fastify demo',
  defaultPort: 3001,
};

/**
 * The demo web app on Fastify: the same pages as the Express demo, over `@gatehouse/fastify`.
 * Returns the instance registered and ready, not listening. `overrides` replace Gatehouse options
 * (tests use it; the demo needs none).
 *
 * @example
 * const app = await createFastifyWebApp(demoConfig(FASTIFY_WEB_APP));
 * await app.listen({ port: 3001 });
 */
export async function createFastifyWebApp(
  config: DemoConfig,
  overrides: Partial<GatehouseOptions> = {},
): Promise<FastifyInstance> {
  const pages = new DemoPages(config);
  const app = Fastify();
  // Before `gatehouse` is registered: a context keeps the error handler its parent had when it
  // was created, and Gatehouse's routes (with `errors: 'next'`) must reach this one.
  app.setErrorHandler(async (error, request, reply) =>
    send(reply, await pages.error(request.auth, error)),
  );
  app.get(FAVICON.path, async (_request, reply) =>
    reply
      .type(FAVICON.contentType)
      .header('cache-control', 'public, max-age=86400')
      .send(FAVICON.body),
  );
  await app.register(gatehouse, { ...authOptions(config), ...overrides });
  // Gatehouse parses forms for its own routes only (its context is encapsulated); the demo's
  // forms need a parser too. They are safe from cross-site posts because the session cookie is
  // SameSite=Lax: another site's form arrives without it and meets requiresAuth().
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );

  const signedIn = { preHandler: app.requiresAuth() };
  const page =
    (render: (request: FastifyRequest) => Promise<RenderedPage | string>) =>
    async (request: FastifyRequest, reply: FastifyReply) =>
      send(reply, await render(request));
  const form = (request: FastifyRequest): Form => (request.body ?? {}) as Form;

  app.get(
    '/',
    page((request) => pages.home(request.auth)),
  );
  app.get(
    '/profile',
    signedIn,
    page((request) => pages.profile(request.auth)),
  );
  app.get(
    '/admin',
    { preHandler: app.requiresAuth(ADMIN_STEP_UP) },
    page((request) => pages.admin(request.auth)),
  );
  app.get(
    '/tokens',
    signedIn,
    page((request) => pages.tokens(request.auth)),
  );
  app.post(
    '/tokens/call',
    signedIn,
    page((request) => pages.callApi(request.auth, form(request).call)),
  );
  app.get(
    '/accounts',
    signedIn,
    page((request) => pages.accounts(request.auth)),
  );
  app.post(
    '/accounts/upstream',
    signedIn,
    page((request) => pages.callUpstream(request.auth, form(request).connection)),
  );
  app.post('/accounts/delete', signedIn, async (request, reply) => {
    await pages.deleteAccount(request.auth, form(request).id);
    return reply.redirect('/accounts', 303);
  });
  // Every session of the user ends (all devices); then this browser's tenant session too.
  app.post('/sign-out-everywhere', signedIn, async (request, reply) => {
    await request.auth.logoutEverywhere();
    return reply.redirect('/auth/logout', 303);
  });
  app.get(
    '/passwordless',
    page((request) => pages.passwordless(request.auth)),
  );
  // A call-centre agent asks a customer to approve on their own device (CIBA).
  app.get(
    '/ciba',
    signedIn,
    page((request) => pages.backchannel(request.auth)),
  );
  app.post('/ciba', signedIn, async (request, reply) => {
    const next = await pages.askBackchannel(request.auth, form(request));
    return typeof next === 'string' ? reply.redirect(next, 303) : send(reply, next);
  });
  app.get(
    '/ciba/:id',
    signedIn,
    page((request) => pages.backchannelWait(request.auth, (request.params as { id?: unknown }).id)),
  );
  app.setNotFoundHandler(page((request) => pages.notFound(request.auth)));

  await app.ready();
  return app;
}
