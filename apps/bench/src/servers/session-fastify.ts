import fastifySecureSession from '@fastify/secure-session';
import { gatehouse as gatehousePlugin } from '@gatehouse/fastify';
import { RedisSessionBackend } from '@gatehouse/redis';
import { onServer } from './api-fastify.js';
import { countCommands, need, redisClient, STATIC_USER } from './session-express.js';
import { SESSION_PATH, type ServerFactory } from './types.js';

/** The part of `@fastify/secure-session`'s session the page uses (its data is untyped here). */
interface SecureSession {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

/** Fastify 5 answering the page with a fixed user: the ceiling of the framework. */
export const sessionFastifyBare: ServerFactory = (context) =>
  onServer(context, (app) => {
    app.get(SESSION_PATH, async () => ({ user: STATIC_USER }));
  });

/** `@gatehouse/fastify`'s `gatehouse` plugin, the page reading `request.auth.getUser()`. */
function gatehouse(store: 'cookie' | 'redis'): ServerFactory {
  return async (context) => {
    const tenant = need(context.tenant, 'a tenant client');
    const secret = need(context.secret, 'a secret');
    const client = store === 'cookie' ? undefined : redisClient(context, store);
    const redisCommands = client && countCommands(client);
    const backend = client
      ? new RedisSessionBackend({ client, secret, keyPrefix: 'gatehouse-bench-fastify:' })
      : undefined;
    const built = await onServer(context, async (app) => {
      await app.register(gatehousePlugin, {
        domain: tenant.url,
        clientId: tenant.clientId,
        clientSecret: tenant.clientSecret,
        secret,
        appBaseUrl: context.baseUrl,
        session: backend ? { store: { backend } } : undefined,
      });
      app.get(SESSION_PATH, async (request) => ({ user: (await request.auth.getUser()) ?? null }));
    });
    const close = async () => {
      await built.close();
      if (client) await client.quit().catch(() => client.disconnect());
    };
    return { listener: built.listener, close, redisCommands };
  };
}

export const sessionFastifyGatehouseCookie = gatehouse('cookie');
export const sessionFastifyGatehouseRedis = gatehouse('redis');

/**
 * `@fastify/secure-session` (libsodium secretbox in one cookie) holding the claims Gatehouse's
 * page shows: the floor of a Fastify cookie session. It has no login of its own: `POST /login`
 * stores the claims it is given (the ones the Gatehouse cookie page showed after a real login).
 */
export const sessionFastifySecureSession: ServerFactory = (context) =>
  onServer(context, async (app) => {
    await app.register(fastifySecureSession, {
      secret: need(context.secret, 'a secret'),
      // A fixed 16-byte salt: the key is derived once, at start.
      salt: 'gatehouse-bench!',
      cookieName: 'secure-session',
      cookie: { path: '/', httpOnly: true, sameSite: 'lax' },
    });
    app.post('/login', async (request) => {
      (request.session as unknown as SecureSession).set('user', request.body);
      return { ok: true };
    });
    app.get(SESSION_PATH, async (request) => ({
      user: (request.session as unknown as SecureSession).get('user') ?? null,
    }));
  });
