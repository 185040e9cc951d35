/**
 * DPoP-bound tokens for a web app (RFC 9449) against a dev tenant that requires them everywhere,
 * with server nonces: login, refresh, Token Vault and connected accounts work with a key; without
 * one the app is told why; a tenant that answers Bearer to a proof is refused; `authenticatedFetch`
 * never sends a token to an origin outside the mapping.
 */

import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DevTenantConfig } from '@gatehouse/dev-tenant';
import { BrowserClient, loginAs } from '@gatehouse/dev-tenant/testing';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticatedFetchError,
  ConfigurationError,
  DpopError,
  ServerClient,
} from '../src/index.js';
import { jarOf } from './support/memory-jar.js';
import { errorCode, SECRET, startTestApp, type TestApp } from './support/node-app.js';

const ALICE = { email: 'alice@example.com', password: 'alice-password' };
const ORDERS = 'https://api.example.com';
const ANALYTICS = 'https://analytics.example.com';
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const PEM = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;

/** A tenant that takes only DPoP-bound tokens, and asks for nonces. */
const STRICT: DevTenantConfig = {
  apis: [
    { identifier: ORDERS, scopes: 'read:orders write:orders', dpop: 'required' },
    { identifier: ANALYTICS, scopes: 'read:analytics write:analytics', dpop: 'required' },
  ],
  users: [{ ...ALICE, name: 'Alice', connectedAccounts: [{ connection: 'google-oauth2' }] }],
  myAccountApi: { dpop: 'required' },
  tokenVault: { dpop: 'required' },
  dpopNonces: true,
};

async function signIn(app: TestApp) {
  const browser = new BrowserClient();
  const end = await loginAs(browser, { startUrl: `${app.url}/auth/login`, ...ALICE });
  return { browser, end, storeOptions: { cookies: jarOf(browser, app.url) } };
}

describe('DPoP for a web app, against a tenant that requires it', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ dpop: { privateKey: PEM } }, STRICT, (client) => client, {
      audience: ORDERS,
      scope: 'openid profile email offline_access read:orders',
    });
  });
  afterAll(() => app.close());

  it('binds every token: login, refresh into another API, Token Vault, connected accounts', async () => {
    const { end, storeOptions } = await signIn(app);
    expect(end.url.pathname).toBe('/me');
    const session = await app.client.getSession({ storeOptions });
    const [orders] = session?.tokenSets ?? [];
    expect(orders?.tokenType).toBe('DPoP');
    const jkt = (decodeJwt(orders?.accessToken ?? '').cnf as { jkt?: string } | undefined)?.jkt;
    expect(jkt).toEqual(expect.any(String));

    const analytics = await app.client.getAccessToken({ audience: ANALYTICS, storeOptions });
    expect(analytics.tokenType).toBe('DPoP');
    expect((decodeJwt(analytics.accessToken).cnf as { jkt: string }).jkt).toBe(jkt);
    const refreshed = await app.client.getAccessToken({
      audience: ORDERS,
      forceRefresh: true,
      storeOptions,
    });
    expect(refreshed.tokenType).toBe('DPoP');

    const upstream = await app.client.getAccessTokenForConnection({
      connection: 'google-oauth2',
      storeOptions,
    });
    expect(upstream.accessToken).toEqual(expect.any(String));
    const accounts = await app.client.listConnectedAccounts({ storeOptions });
    expect(accounts.accounts).toEqual(expect.any(Array));
  });

  it('sends a token only to the origins of its audience', async () => {
    const { storeOptions } = await signIn(app);
    let reached = 0;
    const stranger = createServer((_req, res) => {
      reached++;
      res.end('ok');
    });
    await new Promise<void>((resolve) => stranger.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(stranger.address() as AddressInfo).port}/steal`;
    try {
      const refused = await app.client
        .authenticatedFetch(url, {}, { audience: ORDERS, storeOptions })
        .catch((error) => error);
      expect(refused).toBeInstanceOf(AuthenticatedFetchError);
      expect(refused.code).toBe('origin_not_allowed');
      const other = await app.client
        .authenticatedFetch('https://evil.example/orders', {}, { audience: ORDERS, storeOptions })
        .catch((error) => error);
      expect(other.code).toBe('origin_not_allowed');
      expect(reached).toBe(0);
    } finally {
      stranger.close();
    }
  });
});

describe('DPoP with userinfo', () => {
  it('fetches userinfo with the bound token and a proof, not as Bearer', async () => {
    const app = await startTestApp({ dpop: { privateKey: PEM }, fetchUserInfo: true }, STRICT);
    try {
      // No audience: the login's token is the one /userinfo takes, bound to the app's key.
      const { end, storeOptions } = await signIn(app);
      expect(end.url.pathname).toBe('/me');
      expect((await app.client.getSession({ storeOptions }))?.tokenSets[0]?.tokenType).toBe('DPoP');
      expect(await app.client.getUser({ storeOptions })).toMatchObject({
        sub: 'auth0|alice',
        email: 'alice@example.com',
      });
    } finally {
      await app.close();
    }
  });
});

describe('DPoP misconfigured or downgraded', () => {
  it('tells an app without a key that the tenant requires DPoP', async () => {
    const app = await startTestApp({}, STRICT, (client) => client, { audience: ORDERS });
    try {
      const { end } = await signIn(app);
      expect(errorCode(end.body)).toBe('dpop_key_missing');
    } finally {
      await app.close();
    }
  });

  it('refuses a Bearer answer to a DPoP-bound token request', async () => {
    // Fault injection (a hand-written fake, on purpose): the tenant's token responses are rewritten
    // to say Bearer, as a misbehaving or downgrading server would.
    const downgrade: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!String(input).endsWith('/oauth/token') || response.status !== 200) return response;
      const body = (await response.json()) as Record<string, unknown>;
      return Response.json({ ...body, token_type: 'Bearer' });
    };
    const app = await startTestApp({ dpop: { privateKey: PEM }, fetch: downgrade }, {});
    try {
      const { end } = await signIn(app);
      expect(errorCode(end.body)).toBe('dpop_token_type_mismatch');
    } finally {
      await app.close();
    }
  });

  it('checks the key where it is configured', () => {
    const options = {
      domain: 'tenant.example.com',
      clientId: 'app',
      clientSecret: 's',
      secret: SECRET,
    };
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    for (const dpop of [{ privateKey: 'not a key' }, { privateKey: rsa }, { key: PEM }]) {
      expect(() => new ServerClient({ ...options, dpop } as never)).toThrow(ConfigurationError);
    }
    expect(
      () =>
        new ServerClient({
          ...options,
          dpop: { privateKey: privateKey.export({ format: 'jwk' }) } as never,
        }),
    ).not.toThrow();
    expect(DpopError).toBeDefined();
  });
});
