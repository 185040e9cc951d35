import { auth } from '@gatehouse/express';
import { RedisSessionBackend } from '@gatehouse/redis';
import express from 'express';
import { auth as openidConnect } from 'express-openid-connect';
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

/** `@gatehouse/express` `auth()`, the page reading `req.auth.getUser()`. */
function gatehouse(store: 'cookie' | 'redis'): ServerFactory {
  return async (context: ServerContext) => {
    const tenant = need(context.tenant, 'a tenant client');
    const secret = need(context.secret, 'a secret');
    const backend =
      store === 'redis'
        ? new RedisSessionBackend({
            url: need(context.redisUrl, 'a Redis URL'),
            secret,
            keyPrefix: 'gatehouse-bench:',
          })
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
    return { listener: app, close: backend && (() => backend.close()) };
  };
}

export const sessionGatehouseCookie = gatehouse('cookie');
export const sessionGatehouseRedis = gatehouse('redis');

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
