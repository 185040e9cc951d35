import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Auth0Error, NodeCookieJar, ServerClient, ServerStateStore } from '@gatehouse/core';
import { DEFAULT_CLIENTS, type DevTenant, startDevTenant } from '@gatehouse/dev-tenant';
import {
  RedisLogoutRevocations,
  RedisSessionBackend,
  SessionStoreUnavailableError,
} from '../../src/index.js';
import { REDIS_URL, SECRET } from './redis.js';

/** One machine of the app: its own server, ServerClient and Redis connection. */
export interface AppInstance {
  url: string;
  client: ServerClient;
  /** Sessions on Redis (absent with `sessions: 'cookies'`). */
  backend?: RedisSessionBackend;
  /** With `sessions: 'cookies'`: the logout revocation list the instances share. */
  revocations?: RedisLogoutRevocations;
}

export interface Deployment {
  tenant: DevTenant;
  instances: AppInstance[];
  close(): Promise<void>;
}

/** A bare node:http app wired to the core the way a framework adapter is, 503 included. */
async function route(
  client: ServerClient,
  appUrl: string,
  req: IncomingMessage,
  res: ServerResponse,
) {
  const url = new URL(req.url ?? '/', appUrl);
  const storeOptions = { cookies: NodeCookieJar.for(req, res) };
  const send = (status: number, body: unknown) => {
    res.statusCode = status;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(body));
  };
  const redirect = (location: URL | string) => {
    res.statusCode = 302;
    res.setHeader('location', String(location));
    res.end();
  };
  try {
    switch (url.pathname) {
      case '/auth/login':
        return redirect(
          await client.startInteractiveLogin({ storeOptions, appState: { returnTo: '/me' } }),
        );
      case '/auth/callback': {
        const { appState } = await client.completeInteractiveLogin({ url, storeOptions });
        return redirect(new URL((appState as { returnTo: string }).returnTo, appUrl));
      }
      case '/me':
        return send(200, { user: (await client.getUser({ storeOptions })) ?? null });
      case '/auth/backchannel-logout': {
        let body = '';
        for await (const chunk of req) body += chunk;
        await client.handleBackchannelLogout({
          logoutToken: new URLSearchParams(body).get('logout_token') ?? '',
        });
        return send(200, { ok: true });
      }
      case '/auth/logout':
        return redirect(await client.logout({ storeOptions, returnTo: `${appUrl}/` }));
      case '/':
        return send(200, { home: true });
      default:
        return send(404, { error: 'not_found' });
    }
  } catch (error) {
    if (error instanceof SessionStoreUnavailableError) {
      for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
      return send(error.statusCode, { error: error.code });
    }
    return send(error instanceof Auth0Error ? 400 : 500, {
      error: error instanceof Auth0Error ? error.code : 'internal_error',
    });
  }
}

/**
 * Starts the dev tenant and `count` instances of one app behind it on random loopback ports, each
 * with its own `RedisSessionBackend` on the same Redis (`redisUrl`), key prefix and secret. The browser test
 * client keeps cookies per host name, not per port, so a browser signed in on one instance sends
 * its cookie to the others, as it would through a load balancer.
 */
export async function startDeployment(
  keyPrefix: string,
  {
    count = 2,
    redisUrl = REDIS_URL,
    commandTimeout = 2000,
    sessions = 'redis' as 'redis' | 'cookies',
  } = {},
): Promise<Deployment> {
  const demo = DEFAULT_CLIENTS[0]!;
  const servers = await Promise.all(
    Array.from({ length: count }, async () => {
      let client: ServerClient | undefined;
      const server = createServer((req, res) => void route(client!, url, req, res));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      return { server, url, setClient: (value: ServerClient) => (client = value) };
    }),
  );
  const tenant = await startDevTenant({
    config: {
      clients: [
        {
          ...demo,
          redirectUris: servers.map(({ url }) => `${url}/auth/callback`),
          allowedLogoutUrls: servers.map(({ url }) => `${url}/`),
          // The tenant knows one back-channel URI per app: here the first instance's, as it would
          // be the load balancer's in production.
          backchannelLogoutUri: `${servers[0]?.url}/auth/backchannel-logout`,
        },
      ],
    },
  });
  const instances = servers.map(({ url, setClient }) => {
    const common = {
      domain: tenant.domain,
      clientId: demo.clientId,
      clientSecret: demo.clientSecret,
      secret: SECRET,
      authorizationParams: { redirect_uri: `${url}/auth/callback` },
    };
    if (sessions === 'cookies') {
      const revocations = new RedisLogoutRevocations({ url: redisUrl, keyPrefix, commandTimeout });
      const client = new ServerClient({ ...common, logoutRevocations: revocations });
      setClient(client);
      return { url, client, revocations };
    }
    const backend = new RedisSessionBackend({
      url: redisUrl,
      keyPrefix,
      secret: SECRET,
      commandTimeout,
    });
    const client = new ServerClient({
      ...common,
      stateStore: new ServerStateStore({ secrets: [SECRET], secure: false, backend }),
    });
    setClient(client);
    return { url, client, backend };
  });
  return {
    tenant,
    instances,
    async close() {
      for (const { server } of servers) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
      await Promise.all(
        instances.map((instance) => (instance.backend ?? instance.revocations)?.close()),
      );
      await tenant.close();
    },
  };
}
