import { Writable } from 'node:stream';
import fastifyCookie from '@fastify/cookie';
import { BrowserClient, loginAs } from '@gatehouse/dev-tenant/testing';
import {
  ALICE,
  FlakyBackend,
  SECRET,
  type TestApp,
  testAppStarter,
} from '@gatehouse/web-test-kit/harness';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatehouse } from '../src/index.js';

/** Behaviour that is Fastify's own: encapsulation, plugin reuse, the logger, `inject`. */

describe('registered in a prefixed child context', () => {
  let app: TestApp;
  beforeAll(async () => {
    const start = testAppStarter(async (options, { url }) => {
      const fastify = Fastify();
      await fastify.register(
        async (account) => {
          await account.register(gatehouse, { ...options, appBaseUrl: `${url}/account` });
          account.get('/', async () => ({ home: 'account' }));
          account.get('/profile', { preHandler: account.requiresAuth() }, (request) =>
            request.auth.getUser(),
          );
        },
        { prefix: '/account' },
      );
      fastify.get('/outside', async (request) => ({ hasAuth: 'auth' in request }));
      await fastify.ready();
      return (req, res) => fastify.routing(req, res);
    });
    app = await start({
      registerClient: (client) => ({
        ...client,
        redirectUris: [`${client.redirectUris[0]?.replace('/auth/', '/account/auth/')}`],
      }),
    });
  });
  afterAll(() => app.close());

  it('mounts its routes under the prefix and keeps its decorators inside the context', async () => {
    const browser = new BrowserClient();
    const end = await loginAs(browser, { startUrl: `${app.url}/account/auth/login`, ...ALICE });
    expect(end.url.href).toBe(`${app.url}/account`);
    expect(JSON.parse(end.body)).toEqual({ home: 'account' });
    const profile = await browser.navigate(`${app.url}/account/profile`);
    expect(JSON.parse(profile.body)).toMatchObject({ sub: 'auth0|alice' });
    expect((await fetch(`${app.url}/auth/login`, { redirect: 'manual' })).status).toBe(404);
    expect(await (await fetch(`${app.url}/outside`)).json()).toEqual({ hasAuth: false });
  });
});

describe('alongside the app’s own @fastify/cookie', () => {
  it('reuses the registered plugin, even with parsing turned off (hook: false)', async () => {
    const fastify = Fastify();
    await fastify.register(fastifyCookie, { hook: false });
    await fastify.register(gatehouse, {
      domain: 'tenant.example.com',
      clientId: 'client',
      clientSecret: 'client-secret',
      secret: SECRET,
      appBaseUrl: 'http://localhost:3000',
    });
    fastify.get('/me', async (request) => ({ user: (await request.auth.getUser()) ?? null }));
    const response = await fastify.inject({
      url: '/me',
      headers: { cookie: 'gatehouse.session=not-a-seal; other=1' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ user: null });
    await fastify.close();
  });
});

describe('logging and fastify.inject', () => {
  const lines: string[] = [];
  const backend = new FlakyBackend();
  let fastify: FastifyInstance;
  let app: TestApp;
  beforeAll(async () => {
    const start = testAppStarter(async (options) => {
      const stream = new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      });
      fastify = Fastify({ logger: { level: 'info', stream } });
      await fastify.register(gatehouse, { ...options, session: { store: { backend } } });
      fastify.get('/profile', { preHandler: fastify.requiresAuth() }, async () => ({ ok: true }));
      await fastify.ready();
      return (req, res) => fastify.routing(req, res);
    });
    app = await start();
  });
  afterAll(async () => {
    await fastify.close();
    await app.close();
  });

  it('answers through inject as through a server', async () => {
    const response = await fastify.inject({ url: '/profile', headers: { accept: 'text/html' } });
    expect(response.statusCode).toBe(302);
    expect(response.headers.location).toBe(`${app.url}/auth/login?returnTo=%2Fprofile`);
  });

  it("logs a store outage through Fastify's logger, with the code and no secrets", async () => {
    const browser = new BrowserClient();
    await loginAs(browser, { startUrl: `${app.url}/auth/login`, ...ALICE });
    const sessionCookie = browser.cookies.get(app.url, 'gatehouse.sid')!;
    expect(sessionCookie).toBeTruthy();
    backend.down = true;
    try {
      expect((await browser.request(`${app.url}/profile`)).status).toBe(503);
    } finally {
      backend.down = false;
    }
    const logged = lines.join('');
    expect(logged).toContain('"code":"session_store_unavailable"');
    expect(logged).not.toContain(SECRET);
    expect(logged).not.toContain(sessionCookie);
    expect(logged).not.toContain('ECONNREFUSED');
    expect((await browser.request(`${app.url}/profile`)).status).toBe(200);
  });
});
