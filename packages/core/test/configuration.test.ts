import { BrowserClient, loginAs } from '@gatehouse/dev-tenant/testing';
import { generateTestKey, jwksOf } from '@gatehouse/test-kit/tokens';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, ServerClient, type ServerClientOptions } from '../src/index.js';
import { SECRET, startTestApp } from './support/node-app.js';

const valid: ServerClientOptions<unknown> = {
  domain: 'tenant.example.com',
  clientId: 'app',
  clientSecret: 'client-secret',
  secret: SECRET,
};

describe('configuration fails closed at construction (SECURITY.md rule 8)', () => {
  it.each([
    ['domain', { domain: '' }],
    ['domain', { domain: 'http://tenant.example.com' }],
    ['domain', { domain: 'https://tenant.example.com/some/path' }],
    ['domain', { domain: 'ftp://tenant.example.com' }],
    ['clientId', { clientId: '' }],
    ['clientSecret', { clientSecret: undefined }],
    ['secret', { secret: 'too-short' }],
    ['secret', { secret: [SECRET, 'short'] }],
    ['secret', { secret: [] }],
    ['clientAssertionSigningKey', { clientAssertionSigningKey: 'not a pem' }],
    ['authorizationParams.redirect_uri', { authorizationParams: { redirect_uri: '/relative' } }],
    ['session.absoluteDuration', { session: { absoluteDuration: -1 } }],
    ['session.inactivity', { session: { inactivity: 60 } }],
    ['clientSecrets', { clientSecrets: 'a typo of clientSecret' }],
    ['httpTimeout', { httpTimeout: '10s' }],
    ['fetch', { fetch: 'https://proxy.example' }],
    ['logger', { logger: console.log }],
    ['pushedAuthorizationRequests', { pushedAuthorizationRequests: 'true' }],
    ['stateStore', { stateStore: {} }],
  ])('names %s', (option, change) => {
    const attempt = () => new ServerClient({ ...valid, ...change } as ServerClientOptions<unknown>);
    expect(attempt).toThrow(ConfigurationError);
    try {
      attempt();
    } catch (error) {
      expect((error as ConfigurationError).option).toBe(option);
      expect((error as ConfigurationError).code).toBe('configuration_error');
    }
  });

  it('refuses an EC key for an RSA algorithm', async () => {
    const { privateKey } = await generateTestKey('ES256');
    expect(
      () =>
        new ServerClient({
          ...valid,
          clientSecret: undefined,
          clientAssertionSigningKey: privateKey,
        }),
    ).toThrow(/not a private RSA key for RS256/);
  });

  it('accepts a bare host, an https origin and http on loopback only', () => {
    for (const domain of [
      'tenant.example.com',
      'https://tenant.example.com/',
      'http://127.0.0.1:4000',
      'http://localhost:4000',
    ]) {
      expect(() => new ServerClient({ ...valid, domain })).not.toThrow();
    }
  });
});

describe('discovery', () => {
  it('is fetched once for concurrent callers, and retried after a failure', async () => {
    let discoveryRequests = 0;
    let failNext = true;
    // Fault injection: the first discovery request fails as if the tenant were briefly down.
    const app = await startTestApp({
      fetch: async (input, init) => {
        if (String(input instanceof Request ? input.url : input).includes('openid-configuration')) {
          discoveryRequests += 1;
          if (failNext) {
            failNext = false;
            return new Response('unavailable', { status: 503 });
          }
        }
        return fetch(input, init);
      },
    });
    try {
      expect((await fetch(`${app.url}/auth/login`, { redirect: 'manual' })).status).toBe(400);
      const logins = await Promise.all(
        Array.from({ length: 5 }, () => fetch(`${app.url}/auth/login`, { redirect: 'manual' })),
      );
      expect(logins.map((response) => response.status)).toEqual([302, 302, 302, 302, 302]);
      expect(discoveryRequests).toBe(2);
    } finally {
      await app.close();
    }
  });
});

describe('pushed authorization requests', () => {
  it('logs in through PAR when asked', async () => {
    const app = await startTestApp({ pushedAuthorizationRequests: true });
    try {
      const login = await fetch(`${app.url}/auth/login`, { redirect: 'manual' });
      const location = new URL(login.headers.get('location')!);
      expect([...location.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
      const end = await loginAs(new BrowserClient(), {
        startUrl: `${app.url}/auth/login`,
        email: 'alice@example.com',
        password: 'alice-password',
      });
      expect(JSON.parse(end.body).user.sub).toBe('auth0|alice');
    } finally {
      await app.close();
    }
  });

  it('says so when the tenant does not offer PAR', async () => {
    // Fault injection: a tenant whose discovery document lacks the PAR endpoint.
    const app = await startTestApp({
      pushedAuthorizationRequests: true,
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        if (!String(input).includes('openid-configuration')) return response;
        const { pushed_authorization_request_endpoint: _removed, ...metadata } =
          await response.json();
        return Response.json(metadata);
      },
    });
    try {
      const page = await (await fetch(`${app.url}/auth/login`)).text();
      expect(page).toContain('data-code="par_not_supported"');
    } finally {
      await app.close();
    }
  });
});

describe('private_key_jwt', () => {
  it('logs in with a client assertion instead of a secret', async () => {
    const key = await generateTestKey('RS256');
    const app = await startTestApp(
      {
        clientSecret: undefined,
        clientId: 'pkjwt',
        clientAssertionSigningKey: key.privateKey.export({
          format: 'pem',
          type: 'pkcs8',
        }) as string,
      },
      {},
      (client) => ({
        clientId: 'pkjwt',
        redirectUris: client.redirectUris,
        allowedLogoutUrls: client.allowedLogoutUrls,
        jwks: jwksOf(key),
      }),
    );
    try {
      const end = await loginAs(new BrowserClient(), {
        startUrl: `${app.url}/auth/login`,
        email: 'alice@example.com',
        password: 'alice-password',
      });
      expect(JSON.parse(end.body).user.sub).toBe('auth0|alice');
    } finally {
      await app.close();
    }
  });
});

describe('client_secret_post against the dev tenant', () => {
  it('logs in, pushes the authorization request and refreshes with the secret in the body', async () => {
    const app = await startTestApp(
      { tokenEndpointAuthMethod: 'client_secret_post', pushedAuthorizationRequests: true },
      {},
      (client) => ({ ...client, tokenEndpointAuthMethod: 'client_secret_post' }),
    );
    try {
      const browser = new BrowserClient();
      const end = await loginAs(browser, {
        startUrl: `${app.url}/auth/login`,
        email: 'alice@example.com',
        password: 'alice-password',
      });
      expect(JSON.parse(end.body).user.sub).toBe('auth0|alice');
      const refreshed = await browser.navigate(`${app.url}/token?forceRefresh`);
      expect(JSON.parse(refreshed.body).accessToken).toEqual(expect.any(String));
    } finally {
      await app.close();
    }
  });
});
