/**
 * Custom domains (Auth0's multiple custom domains): each domain has its own port and issuer, over
 * one tenant's users, sessions, grants, tokens and keys.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_CLIENTS,
  type DevTenant,
  DevTenantConfigError,
  type DevTenantDomain,
  FEDERATED_TOKEN_TYPE,
  type StartDevTenantOptions,
  startDevTenant,
  TOKEN_VAULT_GRANT,
} from '../src/index.js';
import { endUserSessions, machineToken, parseForms } from '../src/testing/index.js';
import {
  authorize,
  CALLBACK,
  loginTokens,
  logoutTokens,
  startReceiver,
  tokenRequest,
} from './helpers.js';

const ORDERS_API = 'https://api.example.com';

/** A port nobody listens on now (`port`, or one the system picks). */
async function freePort(port = 0): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const { port: free } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return free;
}

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let tenant: DevTenant;
/** The main domain. */
let main: DevTenantDomain;
/** The custom domain. */
let custom: DevTenantDomain;
beforeAll(async () => {
  receiver = await startReceiver();
  tenant = await startDevTenant({
    customDomains: [{ port: 0 }],
    config: {
      clients: [{ ...DEFAULT_CLIENTS[0]!, backchannelLogoutUri: receiver.url }],
      users: [
        {
          email: 'alice@example.com',
          password: 'alice-password',
          name: 'Alice',
          connectedAccounts: [{ connection: 'google-oauth2' }],
        },
      ],
    },
  });
  [main, custom] = tenant.domains as [DevTenantDomain, DevTenantDomain];
});
afterAll(async () => {
  await receiver.close();
  await tenant.close();
});

/** Verifies a JWT against the JWKS of `domain`, with `domain`'s issuer. */
const verifiedAt = async (domain: DevTenantDomain, token: string, audience: string) =>
  (
    await jwtVerify(token, createRemoteJWKSet(new URL(`${domain.url}/.well-known/jwks.json`)), {
      issuer: domain.issuer,
      audience,
    })
  ).payload;

describe('the domains of a tenant', () => {
  it('lists the main domain first, then the custom domain on its own port', () => {
    expect(tenant.domains).toHaveLength(2);
    expect(main).toEqual({ url: tenant.url, issuer: tenant.issuer });
    expect(custom.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(custom.url).not.toBe(main.url);
    expect(custom.issuer).toBe(`${custom.url}/`);
  });

  it.each([
    ['main', () => main],
    ['custom', () => custom],
  ])('serves discovery on the %s domain under its own issuer and origin', async (_name, of) => {
    const domain = of();
    const metadata = await (await fetch(`${domain.url}/.well-known/openid-configuration`)).json();
    expect(metadata).toMatchObject({
      issuer: domain.issuer,
      authorization_endpoint: `${domain.url}/authorize`,
      token_endpoint: `${domain.url}/oauth/token`,
      jwks_uri: `${domain.url}/.well-known/jwks.json`,
      end_session_endpoint: `${domain.url}/oidc/logout`,
    });
  });

  it('publishes the same keys on every domain, and rotates them on every domain', async () => {
    const kids = async (domain: DevTenantDomain) =>
      ((await (await fetch(`${domain.url}/.well-known/jwks.json`)).json()) as { keys: [] }).keys
        .map(({ kid }) => kid)
        .sort();
    expect(await kids(custom)).toEqual(await kids(main));
    const { kid } = await tenant.rotateKeys();
    expect(await kids(custom)).toContain(kid);
    const tokens = await loginTokens(custom);
    expect(decodeProtectedHeader(tokens.id_token ?? '').kid).toBe(kid);
  });
});

describe('logging in on a custom domain', () => {
  it('issues an ID token and an access token with the custom domain as issuer', async () => {
    const { code, verifier, callback } = await authorize(custom, { audience: ORDERS_API });
    expect(callback.searchParams.get('iss')).toBe(custom.issuer);
    const tokens = await tokenRequest(custom, {
      grant_type: 'authorization_code',
      code: code ?? '',
      redirect_uri: CALLBACK,
      code_verifier: verifier,
    });
    expect(tokens.status).toBe(200);
    expect(await verifiedAt(custom, tokens.body.id_token ?? '', 'demo-web')).toMatchObject({
      sub: 'auth0|alice',
      sid: expect.any(String),
    });
    expect(await verifiedAt(custom, tokens.body.access_token ?? '', ORDERS_API)).toMatchObject({
      sub: 'auth0|alice',
      azp: 'demo-web',
    });
  });

  it('shares the session: signed in on the main domain, the custom domain asks for nothing', async () => {
    const first = await authorize(main);
    const again = await authorize(custom, {}, first.browser, { email: 'x', password: 'x' });
    expect(again.callback.searchParams.get('iss')).toBe(custom.issuer);
    const tokens = await tokenRequest(custom, {
      grant_type: 'authorization_code',
      code: again.code ?? '',
      redirect_uri: CALLBACK,
      code_verifier: again.verifier,
    });
    const claims = await verifiedAt(custom, tokens.body.id_token ?? '', 'demo-web');
    expect(claims.sub).toBe('auth0|alice');
  });

  it('gives machine tokens with the issuer of the domain asked', async () => {
    const { accessToken } = await machineToken({
      tenantUrl: custom.url,
      clientId: 'demo-web',
      clientSecret: DEFAULT_CLIENTS[0]!.clientSecret!,
      audience: ORDERS_API,
    });
    expect(decodeJwt(accessToken).iss).toBe(custom.issuer);
  });
});

describe('refresh tokens, which belong to the tenant', () => {
  it('refresh on the domain that issued them, and on the other, each with its own issuer', async () => {
    const tokens = await loginTokens(custom, {
      audience: ORDERS_API,
      scope: 'openid offline_access read:orders',
    });
    const refresh = (domain: DevTenantDomain) =>
      tokenRequest(domain, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! });
    const atCustom = await refresh(custom);
    expect(atCustom.status).toBe(200);
    expect(decodeJwt(atCustom.body.id_token ?? '').iss).toBe(custom.issuer);
    expect(decodeJwt(atCustom.body.access_token ?? '').iss).toBe(custom.issuer);
    const atMain = await refresh(main);
    expect(atMain.status).toBe(200);
    expect(decodeJwt(atMain.body.id_token ?? '').iss).toBe(main.issuer);
    expect(decodeJwt(atMain.body.access_token ?? '').iss).toBe(main.issuer);
  });
});

describe("Auth0's extensions on a custom domain", () => {
  const myAccount = (domain: DevTenantDomain, token: string) =>
    fetch(`${domain.url}/me/v1/connected-accounts/accounts`, {
      headers: { authorization: `Bearer ${token}` },
    });
  const myAccountToken = async (domain: DevTenantDomain) => {
    const tokens = await loginTokens(domain, { scope: 'openid offline_access' });
    const refreshed = await tokenRequest(domain, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token!,
      audience: `${domain.issuer}me/`,
      scope: 'read:me:connected_accounts',
    });
    return refreshed.body.access_token ?? '';
  };

  it("serves the My Account API for the domain's own audience, https://{domain}/me/", async () => {
    const token = await myAccountToken(custom);
    expect(decodeJwt(token)).toMatchObject({ iss: custom.issuer, aud: `${custom.issuer}me/` });
    const response = await myAccount(custom, token);
    expect(response.status).toBe(200);
    expect((await response.json()).accounts).toHaveLength(1);
    // The main domain's My Account API is another audience.
    expect((await myAccount(main, token)).status).toBe(401);
  });

  it('sends connect_uri to the domain the connect was started on', async () => {
    const token = await tokenRequest(custom, {
      grant_type: 'refresh_token',
      refresh_token: (await loginTokens(custom, { scope: 'openid offline_access' })).refresh_token!,
      audience: `${custom.issuer}me/`,
      scope: 'create:me:connected_accounts',
    });
    const response = await fetch(`${custom.url}/me/v1/connected-accounts/connect`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token.body.access_token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        connection: 'google-oauth2',
        redirect_uri: CALLBACK,
        state: 'state',
        code_challenge: 'challenge',
        code_challenge_method: 'S256',
      }),
    });
    expect(response.status).toBe(201);
    expect((await response.json()).connect_uri).toBe(`${custom.issuer}connect`);
  });

  it('exchanges at one domain an access token another domain issued (Token Vault)', async () => {
    const tokens = await loginTokens(main, { audience: ORDERS_API });
    const exchanged = await tokenRequest(custom, {
      grant_type: TOKEN_VAULT_GRANT,
      subject_token: tokens.access_token!,
      subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      requested_token_type: FEDERATED_TOKEN_TYPE,
      connection: 'google-oauth2',
    });
    expect(exchanged.status).toBe(200);
    expect(exchanged.body.issued_token_type).toBe(FEDERATED_TOKEN_TYPE);
  });
});

describe('logout across domains', () => {
  // Each test starts with no session of Alice's, and so with one logout token to look at.
  beforeEach(async () => {
    await endUserSessions(main.url, 'auth0|alice');
    receiver.bodies.splice(0);
  });
  const onlyLogoutToken = () => {
    const tokens = logoutTokens(receiver.bodies.splice(0));
    expect(tokens).toHaveLength(1);
    return tokens[0] ?? '';
  };

  it('signs the logout token with the issuer of the domain the session was signed in on', async () => {
    await authorize(custom);
    // The admin endpoint is the same on every domain; the session is the tenant's.
    expect(await endUserSessions(main.url, 'auth0|alice')).toMatchObject({ notified: 1 });
    expect(await verifiedAt(custom, onlyLogoutToken(), 'demo-web')).toMatchObject({
      sub: 'auth0|alice',
      events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
    });
  });

  it('does so when the user signs out on another domain than the one they signed in on', async () => {
    const { browser } = await authorize(custom);
    const end = await browser.navigate(`${main.url}/v2/logout`);
    expect(end.body).toContain('signed out');
    expect(decodeJwt(onlyLogoutToken()).iss).toBe(custom.issuer);
    // Signed out of the tenant: the custom domain shows its form again.
    const page = await browser.navigate(
      `${custom.url}/authorize?${new URLSearchParams({
        client_id: 'demo-web',
        response_type: 'code',
        redirect_uri: CALLBACK,
        scope: 'openid',
      })}`,
      { stopBefore: (url) => url.href.startsWith(CALLBACK) },
    );
    expect(parseForms(page.body, page.url).some((form) => form.fields.has('password'))).toBe(true);
  });

  it('keeps the first domain of a session that went through both', async () => {
    const { browser } = await authorize(main);
    await authorize(custom, {}, browser);
    await endUserSessions(custom.url, 'auth0|alice');
    expect(decodeJwt(onlyLogoutToken()).iss).toBe(main.issuer);
  });
});

describe('custom domains at start', () => {
  it('close with the tenant', async () => {
    const other = await startDevTenant({ customDomains: [{}, { host: '127.0.0.1' }] });
    const urls = other.domains.map((domain) => domain.url);
    expect(new Set(urls).size).toBe(3);
    await other.close();
    for (const url of urls) await expect(fetch(`${url}/.well-known/jwks.json`)).rejects.toThrow();
  });

  it('name the custom domain whose port is taken, and leave nothing listening', async () => {
    const port = await freePort();
    const taken = Number(new URL(custom.url).port);
    const error = await startDevTenant({ port, customDomains: [{}, { port: taken }] }).catch(
      (caught: unknown) => caught,
    );
    expect((error as Error).message).toMatch(/customDomains\[1\] cannot listen on .*EADDRINUSE/);
    // The main domain's port is free again.
    expect(await freePort(port)).toBe(port);
  });

  it.each<[string, unknown, RegExp]>([
    ['not a list', { port: 4001 }, /customDomains must be an array, got a object/],
    ['a port as a string', [{ port: '4001' }], /customDomains\[0\]\.port must be a port number/],
    ['a port out of range', [{}, { port: 70_000 }], /customDomains\[1\]\.port must be a port/],
    ['a misspelt field', [{ prot: 4001 }], /customDomains\[0\]\.prot is not a known field/],
    ['a host that is not a string', [{ host: 1 }], /customDomains\[0\]\.host must be a host/],
  ])('are refused naming the field when given %s', async (_label, customDomains, message) => {
    const error = await startDevTenant({
      customDomains: customDomains as StartDevTenantOptions['customDomains'],
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DevTenantConfigError);
    expect((error as Error).message).toMatch(message);
  });

  it('refuses an unknown option of startDevTenant, naming it', async () => {
    const error = await startDevTenant({ customDomain: [] } as StartDevTenantOptions).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(DevTenantConfigError);
    expect((error as Error).message).toMatch(/customDomain is not a known field/);
  });
});
