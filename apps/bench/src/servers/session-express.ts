import { auth } from '@gatehouse/express';
import { RedisSessionBackend } from '@gatehouse/redis';
import express from 'express';
import { auth as openidConnect } from 'express-openid-connect';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { SESSION_PATH, type ServerContext, type ServerFactory } from './types.js';

/** The user the bare page shows: what the session pages show for Alice, without any session. */
const STATIC_USER = { sub: 'auth0|alice', email: 'alice@example.com', name: 'Alice' };

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`a session server needs ${what}`);
  return value;
}

/** Express 5 answering the page with a fixed user: the ceiling of the framework. */
export const sessionExpressBare: ServerFactory = async () => {
  const app = express();
  app.get(SESSION_PATH, (_req, res) => {
    res.json({ user: STATIC_USER });
  });
  return { listener: app };
};

/**
 * The options the backend gives a client it makes from `url` (no offline queue, nothing resent
 * after a reconnect), so that the app-made clients below behave as the backend's own would.
 */
const CLIENT_OPTIONS: RedisOptions = {
  commandTimeout: 2000,
  enableOfflineQueue: false,
  autoResendUnfulfilledCommands: false,
  maxRetriesPerRequest: 1,
};

/** Counts the commands `client` sends (a `Cluster` counts each once, before routing it). */
function countCommands(client: Redis | Cluster): () => number {
  let sent = 0;
  const send = client.sendCommand.bind(client) as (...args: unknown[]) => unknown;
  (client as { sendCommand: (...args: unknown[]) => unknown }).sendCommand = (...args) => {
    sent++;
    return send(...args);
  };
  return () => sent;
}

function redisClient(context: ServerContext, store: 'redis' | 'redis-cluster'): Redis | Cluster {
  if (store === 'redis') return new Redis(need(context.redisUrl, 'a Redis URL'), CLIENT_OPTIONS);
  const nodes = need(context.redisClusterNodes, 'Redis Cluster nodes').map((node) => {
    const [host, port] = node.split(':');
    return { host: host ?? '127.0.0.1', port: Number(port) };
  });
  return new Cluster(nodes, { enableOfflineQueue: false, redisOptions: CLIENT_OPTIONS });
}

/** `@gatehouse/express` `auth()`, the page reading `req.auth.getUser()`. */
function gatehouse(store: 'cookie' | 'redis' | 'redis-cluster'): ServerFactory {
  return async (context: ServerContext) => {
    const tenant = need(context.tenant, 'a tenant client');
    const secret = need(context.secret, 'a secret');
    const client = store === 'cookie' ? undefined : redisClient(context, store);
    const redisCommands = client && countCommands(client);
    // The default key layout (spread): on the cluster, each session in a slot of its own.
    const backend = client
      ? new RedisSessionBackend({ client, secret, keyPrefix: 'gatehouse-bench:' })
      : undefined;
    const app = express();
    app.use(
      auth({
        domain: tenant.url,
        clientId: tenant.clientId,
        clientSecret: tenant.clientSecret,
        secret,
        appBaseUrl: context.baseUrl,
        session: backend ? { store: { backend } } : undefined,
      }),
    );
    app.get(SESSION_PATH, (req, res, next) => {
      req.auth.getUser().then((user) => res.json({ user: user ?? null }), next);
    });
    const close =
      client && (async () => void (await client.quit().catch(() => client.disconnect())));
    return { listener: app, close, redisCommands };
  };
}

export const sessionGatehouseCookie = gatehouse('cookie');
export const sessionGatehouseRedis = gatehouse('redis');
export const sessionGatehouseRedisCluster = gatehouse('redis-cluster');

/**
 * Auth0's express-openid-connect with its default (encrypted cookie) session, authorization code
 * flow so that the login works over plain http on loopback.
 */
export const sessionExpressOpenidConnect: ServerFactory = async (context) => {
  const tenant = need(context.tenant, 'a tenant client');
  const app = express();
  app.use(
    openidConnect({
      issuerBaseURL: tenant.url,
      baseURL: context.baseUrl,
      clientID: tenant.clientId,
      clientSecret: tenant.clientSecret,
      secret: need(context.secret, 'a secret'),
      authRequired: false,
      idpLogout: false,
      authorizationParams: { response_type: 'code', scope: 'openid profile email' },
    }),
  );
  app.get(SESSION_PATH, (req, res) => {
    res.json({ user: req.oidc.user ?? null });
  });
  return { listener: app };
};
