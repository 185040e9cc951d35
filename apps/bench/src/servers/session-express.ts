import { createHash, randomBytes } from 'node:crypto';
import {
  type CookieHandler,
  type CookieSerializeOptions,
  CookieTransactionStore,
  ServerClient,
  type StateData,
  StatelessStateStore,
} from '@auth0/auth0-server-js';
import { auth } from '@gatehouse/express';
import { RedisSessionBackend } from '@gatehouse/redis';
import { parseCookie } from 'cookie';
import express, { type CookieOptions, type Request, type Response } from 'express';
import { auth as openidConnect } from 'express-openid-connect';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { decodeJwt } from 'jose';
import { SESSION_PATH, type ServerContext, type ServerFactory } from './types.js';

/** The user the bare page shows: what the session pages show for Alice, without any session. */
export const STATIC_USER = { sub: 'auth0|alice', email: 'alice@example.com', name: 'Alice' };

export function need<T>(value: T | undefined, what: string): T {
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
export function countCommands(client: Redis | Cluster): () => number {
  let sent = 0;
  const send = client.sendCommand.bind(client) as (...args: unknown[]) => unknown;
  (client as { sendCommand: (...args: unknown[]) => unknown }).sendCommand = (...args) => {
    sent++;
    return send(...args);
  };
  return () => sent;
}

export function redisClient(
  context: ServerContext,
  store: 'redis' | 'redis-cluster',
): Redis | Cluster {
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
        ...(context.loginAudience && {
          authorizationParams: {
            audience: context.loginAudience,
            scope: 'openid profile email offline_access',
          },
        }),
      }),
    );
    app.get(SESSION_PATH, (req, res, next) => {
      req.auth.getUser().then((user) => res.json({ user: user ?? null }), next);
    });
    // The cookie-bytes scenario: tokens for more APIs, one after the other, into the session.
    app.get('/bench/tokens', async (req, res, next) => {
      try {
        for (const audience of String(req.query.audiences ?? '').split(',')) {
          if (audience) await req.auth.getAccessToken({ audience });
        }
        res.json({ ok: true });
      } catch (error) {
        next(error);
      }
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
      authorizationParams: {
        response_type: 'code',
        ...(context.loginAudience
          ? { audience: context.loginAudience, scope: 'openid profile email offline_access' }
          : { scope: 'openid profile email' }),
      },
    }),
  );
  app.get(SESSION_PATH, (req, res) => {
    res.json({ user: req.oidc.user ?? null });
  });
  return { listener: app };
};

/** The request and response an auth0-server-js store reads and writes cookies through. */
interface Auth0StoreOptions {
  req: Request;
  res: Response;
}

/**
 * The cookie handler auth0-server-js asks its app for, written as its README's Fastify example,
 * over Express: cookies parsed from the request (with `cookie`, the parser Express itself uses), written
 * with `res.cookie`.
 */
class ExpressCookieHandler implements CookieHandler<Auth0StoreOptions> {
  #parsed = new WeakMap<Request, Record<string, string | undefined>>();

  #cookies(req: Request): Record<string, string | undefined> {
    const known = this.#parsed.get(req);
    if (known) return known;
    const parsed = parseCookie(req.headers.cookie ?? '');
    this.#parsed.set(req, parsed);
    return parsed;
  }

  setCookie(
    name: string,
    value: string,
    options?: CookieSerializeOptions,
    storeOptions?: Auth0StoreOptions,
  ): void {
    const { maxAge, ...rest } = options ?? {};
    // Express takes Max-Age in milliseconds.
    storeOptions?.res.cookie(name, value, {
      ...rest,
      ...(maxAge !== undefined && { maxAge: maxAge * 1000 }),
    } as CookieOptions);
  }

  getCookie(name: string, storeOptions?: Auth0StoreOptions): string | undefined {
    return storeOptions ? this.#cookies(storeOptions.req)[name] : undefined;
  }

  getCookies(storeOptions?: Auth0StoreOptions): Record<string, string> {
    return (storeOptions ? this.#cookies(storeOptions.req) : {}) as Record<string, string>;
  }

  deleteCookie(name: string, storeOptions?: Auth0StoreOptions): void {
    storeOptions?.res.clearCookie(name);
  }
}

/**
 * Auth0's `@auth0/auth0-server-js` with its stateless (cookie) state store, the page reading
 * `getUser()`. Its clients call `https://<domain>` only, and the dev tenant serves http: the login
 * cannot run through `startInteractiveLogin`/`completeInteractiveLogin`. So `/login` and
 * `/callback` below run the same authorization-code flow by hand (PKCE, the tenant's real token
 * endpoint) and store what `completeInteractiveLogin` would store (its `updateStateData` for a
 * first login: every ID token claim as `user`, the ID token, refresh token, one token set,
 * `internal.sid`/`createdAt`, `sessionExpiresAt`) through the library's own `StatelessStateStore`.
 * The cookie the page reads is sealed and read by the library's code.
 */
export const sessionAuth0ServerJs: ServerFactory = async (context) => {
  const tenant = need(context.tenant, 'a tenant client');
  const handler = new ExpressCookieHandler();
  const secret = need(context.secret, 'a secret');
  const stateStore = new StatelessStateStore<Auth0StoreOptions>({ secret }, handler);
  const client = new ServerClient<Auth0StoreOptions>({
    domain: new URL(tenant.url).host,
    clientId: tenant.clientId,
    clientSecret: tenant.clientSecret,
    authorizationParams: { redirect_uri: `${context.baseUrl}/callback` },
    transactionStore: new CookieTransactionStore({ secret }, handler),
    stateStore,
  });
  const verifiers = new Map<string, string>();
  const app = express();
  app.get('/login', (_req, res) => {
    const state = randomBytes(16).toString('base64url');
    const verifier = randomBytes(32).toString('base64url');
    verifiers.set(state, verifier);
    const url = new URL('/authorize', tenant.url);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: tenant.clientId,
      redirect_uri: `${context.baseUrl}/callback`,
      scope: 'openid profile email offline_access',
      ...(context.loginAudience && { audience: context.loginAudience }),
      state,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    res.redirect(url.href);
  });
  app.get('/callback', async (req, res, next) => {
    try {
      const verifier = verifiers.get(String(req.query.state));
      if (!verifier) throw new Error('unknown state');
      verifiers.delete(String(req.query.state));
      const response = await fetch(new URL('/oauth/token', tenant.url), {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${tenant.clientId}:${tenant.clientSecret}`).toString('base64')}`,
        },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: String(req.query.code),
          redirect_uri: `${context.baseUrl}/callback`,
          code_verifier: verifier,
        }),
      });
      const tokens = (await response.json()) as Record<string, unknown>;
      if (!response.ok) throw new Error(`token endpoint: ${JSON.stringify(tokens)}`);
      const claims = decodeJwt(String(tokens.id_token)) as Record<string, unknown>;
      const sessionExpiry = claims.session_expiry;
      const stateData = {
        user: claims as StateData['user'],
        idToken: tokens.id_token as string,
        refreshToken: tokens.refresh_token as string | undefined,
        tokenSets: [
          {
            // What `completeInteractiveLogin` keys the login's token set by.
            audience: context.loginAudience ?? 'default',
            accessToken: tokens.access_token as string,
            scope: tokens.scope as string | undefined,
            expiresAt: Math.floor(Date.now() / 1000) + Number(tokens.expires_in),
          },
        ],
        domain: undefined,
        internal: { sid: claims.sid as string, createdAt: Math.floor(Date.now() / 1000) },
        sessionExpiresAt: typeof sessionExpiry === 'number' ? sessionExpiry : undefined,
      } as StateData;
      await stateStore.set('__a0_session', stateData, true, { req, res });
      res.redirect('/');
    } catch (error) {
      next(error);
    }
  });
  app.get(SESSION_PATH, (req, res, next) => {
    client.getUser({ req, res }).then((user) => res.json({ user: user ?? null }), next);
  });
  return { listener: app };
};
