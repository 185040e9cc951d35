import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DEFAULT_CLIENTS,
  type DevClientConfig,
  type DevTenant,
  type DevTenantConfig,
  startDevTenant,
} from '@gatehouse/dev-tenant';
import {
  Auth0Error,
  type CookieStoreOptions,
  NodeCookieJar,
  ServerClient,
  type ServerClientOptions,
} from '../../src/index.js';

export const SECRET = 'a-test-secret-that-is-at-least-32-characters-long';

/** The error code an app page shows, as the framework packages render it. */
export const errorCode = (body: string) => /data-code="([^"]+)"/.exec(body)?.[1];

/** A bare node:http app wired to the core the way a framework adapter would be. */
export interface TestApp {
  url: string;
  tenant: DevTenant;
  client: ServerClient;
  close(): Promise<void>;
}

type ClientOverrides = Partial<ServerClientOptions<CookieStoreOptions>>;

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

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
  const redirect = (location: URL) => {
    res.statusCode = 302;
    res.setHeader('location', location.href);
    res.end();
  };
  try {
    switch (url.pathname) {
      case '/auth/login': {
        const authorizationParams = Object.fromEntries(url.searchParams);
        return redirect(
          await client.startInteractiveLogin({
            storeOptions,
            authorizationParams,
            appState: { returnTo: '/me' },
          }),
        );
      }
      case '/auth/callback': {
        const { appState } = await client.completeInteractiveLogin({ url, storeOptions });
        return redirect(new URL((appState as { returnTo: string }).returnTo, appUrl));
      }
      case '/me':
        return send(200, { user: (await client.getUser({ storeOptions })) ?? null });
      case '/session':
        return send(200, { session: (await client.getSession({ storeOptions })) ?? null });
      case '/token': {
        const param = (name: string) => url.searchParams.get(name) ?? undefined;
        const token = await client.getAccessToken({
          storeOptions,
          audience: param('audience'),
          scope: param('scope'),
          forceRefresh: url.searchParams.has('forceRefresh'),
        });
        return send(200, token);
      }
      case '/tokens': {
        // Several audiences in one request: concurrently, or one after another with ?sequential.
        const audiences = (url.searchParams.get('audiences') ?? '').split(',');
        const fetchOne = (audience: string) => client.getAccessToken({ storeOptions, audience });
        const tokens = url.searchParams.has('sequential')
          ? [await fetchOne(audiences[0]!), await fetchOne(audiences[1]!)]
          : await Promise.all(audiences.map(fetchOne));
        return send(200, tokens);
      }
      case '/connection-token': {
        const connection = url.searchParams.get('connection') ?? '';
        const loginHint = url.searchParams.get('loginHint') ?? undefined;
        return send(
          200,
          await client.getAccessTokenForConnection({ storeOptions, connection, loginHint }),
        );
      }
      case '/auth/backchannel-logout': {
        let body = '';
        for await (const chunk of req) body += chunk;
        await client.handleBackchannelLogout({
          logoutToken: new URLSearchParams(body).get('logout_token') ?? '',
        });
        return send(200, { ok: true });
      }
      case '/auth/passwordless-link': {
        const email = url.searchParams.get('email') ?? '';
        const started = await client.passwordless.start({
          email,
          send: 'link',
          storeOptions,
          appState: { returnTo: '/me' },
        });
        return send(200, started);
      }
      case '/auth/logout':
        return redirect(await client.logout({ storeOptions, returnTo: `${appUrl}/` }));
      case '/':
        return send(200, { home: true });
      default:
        return send(404, { error: 'not_found' });
    }
  } catch (error) {
    // What the framework packages do: a named error, its tenant description escaped, no stack.
    const code = error instanceof Auth0Error ? error.code : 'internal_error';
    const description = (error as { errorDescription?: string }).errorDescription;
    res.statusCode = error instanceof Auth0Error ? 400 : 500;
    res.setHeader('content-type', 'text/html');
    res.end(
      `<p id="error" data-code="${escapeHtml(code)}">${escapeHtml(description ?? (error as Error).message)}</p>`,
    );
  }
}

/**
 * Starts the dev tenant and an app on random loopback ports, with the tenant's demo client pointed
 * at the app's callback.
 */
export async function startTestApp(
  overrides: ClientOverrides = {},
  tenantConfig: DevTenantConfig = {},
  /** Changes the tenant's registration of the app, e.g. to use private_key_jwt. */
  registerClient: (client: DevClientConfig) => DevClientConfig = (client) => client,
  /** Extra `authorizationParams` (the callback URI is always the app's). */
  loginParams: Record<string, unknown> = {},
): Promise<TestApp> {
  let client!: ServerClient;
  const server = createServer((req, res) => void route(client, url, req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const demo = DEFAULT_CLIENTS[0]!;
  const tenant = await startDevTenant({
    config: {
      clients: [
        registerClient({
          ...demo,
          redirectUris: [`${url}/auth/callback`],
          allowedLogoutUrls: [`${url}/`],
          backchannelLogoutUri: `${url}/auth/backchannel-logout`,
        }),
      ],
      ...tenantConfig,
    },
  });
  const { authorizationParams, ...rest } = overrides;
  client = new ServerClient({
    domain: tenant.domain,
    clientId: demo.clientId,
    clientSecret: demo.clientSecret,
    secret: SECRET,
    ...rest,
    authorizationParams: {
      ...authorizationParams,
      ...loginParams,
      redirect_uri: `${url}/auth/callback`,
    },
  });
  return {
    url,
    tenant,
    client,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await tenant.close();
    },
  };
}

/**
 * A fetch that passes every request through unchanged and counts token-endpoint requests per
 * grant type, so tests can assert how often the tenant was asked.
 */
export function countingFetch() {
  const counts = new Map<string, number>();
  const counted: typeof fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url.endsWith('/oauth/token') && init?.body) {
      const grant = new URLSearchParams(String(init.body)).get('grant_type') ?? '';
      counts.set(grant, (counts.get(grant) ?? 0) + 1);
    }
    return fetch(input, init);
  };
  return { fetch: counted, count: (grantType: string) => counts.get(grantType) ?? 0 };
}
