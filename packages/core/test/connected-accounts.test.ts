import { BrowserClient, loginAs, parseForms } from '@gatehouse/dev-tenant/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MyAccountApiError, MyAccountClient, NodeCookieJar } from '../src/index.js';
import { startTestApp, type TestApp } from './support/node-app.js';

const ALICE = { email: 'alice@example.com', password: 'alice-password' };

let app: TestApp;
let myAccount: string;
beforeAll(async () => {
  app = await startTestApp(
    {},
    {
      connections: [
        { name: 'google-oauth2', scopes: 'openid email calendar.readonly' },
        { name: 'github', scopes: 'read:user repo' },
      ],
    },
  );
  myAccount = `${app.tenant.url}/me/`;
});
afterAll(() => app.close());

/** Calls a ServerClient method for the browser's session, through a real request to the app. */
async function call<T>(
  browser: BrowserClient,
  method: (storeOptions: { cookies: NodeCookieJar }) => Promise<T>,
) {
  const { createServer } = await import('node:http');
  const server = createServer(async (req, res) => {
    try {
      const result = await method({ cookies: NodeCookieJar.for(req, res) });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ result: result ?? null }));
    } catch (error) {
      res.statusCode = 400;
      res.end(
        JSON.stringify({
          error: {
            name: (error as Error).name,
            ...(error as object),
            message: (error as Error).message,
          },
        }),
      );
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  // The same host name as the app, so the browser sends the app's cookies.
  try {
    const page = await browser.navigate(`http://127.0.0.1:${port}/`);
    return JSON.parse(page.body) as { result?: T; error?: Record<string, unknown> };
  } finally {
    server.close();
  }
}

describe('Connected Accounts through the My Account API', () => {
  it('completes login and connect callbacks through one completeCallback()', async () => {
    const browser = new BrowserClient();
    const login = await loginAs(browser, {
      startUrl: `${app.url}/auth/login`,
      ...ALICE,
      stopBefore: (url) => url.pathname === '/auth/callback',
    });
    const loggedIn = await call(browser, (storeOptions) =>
      app.client.completeCallback({ url: login.history.at(-1)!, storeOptions }),
    );
    expect(loggedIn.result).toMatchObject({
      kind: 'login',
      session: { user: { sub: 'auth0|alice' } },
    });
    const started = await call(
      browser,
      async (storeOptions) =>
        (await app.client.startConnectAccount({ connection: 'github', appState: 7, storeOptions }))
          .href,
    );
    const consent = await browser.navigate(started.result!);
    const [form] = parseForms(consent.body, consent.url);
    const back = await browser.submit(
      form!,
      {},
      { stopBefore: (url) => url.pathname === '/auth/callback' },
    );
    const connected = await call(browser, (storeOptions) =>
      app.client.completeCallback({ url: back.history.at(-1)!, storeOptions }),
    );
    expect(connected.result).toMatchObject({
      kind: 'connect',
      appState: 7,
      account: { connection: 'github' },
    });
  });

  it('connects an account, lists it with paging, uses it through Token Vault, and deletes it', async () => {
    const browser = new BrowserClient();
    await loginAs(browser, { startUrl: `${app.url}/auth/login`, ...ALICE });

    const connections = await call(browser, (storeOptions) =>
      app.client.listConnectedAccountConnections({ storeOptions }),
    );
    expect(connections.result?.connections.map((connection) => connection.name)).toEqual([
      'google-oauth2',
      'github',
    ]);

    // Start: the app sends the browser to the connect page with a ticket.
    const started = await call(
      browser,
      async (storeOptions) =>
        (
          await app.client.startConnectAccount({
            connection: 'google-oauth2',
            appState: { returnTo: '/accounts' },
            storeOptions,
          })
        ).href,
    );
    const connectUrl = new URL(started.result!);
    expect(connectUrl.origin + connectUrl.pathname).toBe(`${app.tenant.url}/connect`);
    expect([...connectUrl.searchParams.keys()]).toEqual(['ticket']);

    // The simulated provider's consent page: one form, one button.
    const consent = await browser.navigate(connectUrl);
    const [form] = parseForms(consent.body, consent.url);
    const back = await browser.submit(
      form!,
      {},
      { stopBefore: (url) => url.pathname === '/auth/callback' },
    );
    const callback = back.history.at(-1)!;
    expect(callback.searchParams.has('connect_code')).toBe(true);

    const completed = await call(browser, (storeOptions) =>
      app.client.completeConnectAccount({ url: callback, storeOptions }),
    );
    expect(completed.result).toMatchObject({
      connection: 'google-oauth2',
      appState: { returnTo: '/accounts' },
    });

    // A second account on another connection, so paging has two pages at take: 1.
    await connectThroughConsent(browser, 'github');
    const first = await call(browser, (storeOptions) =>
      app.client.listConnectedAccounts({ take: 1, storeOptions }),
    );
    expect(first.result?.accounts).toHaveLength(1);
    expect(first.result?.next).toEqual(expect.any(String));
    const second = await call(browser, (storeOptions) =>
      app.client.listConnectedAccounts({ take: 1, from: first.result!.next!, storeOptions }),
    );
    expect(second.result?.accounts).toHaveLength(1);
    expect(second.result?.next).toBeUndefined();
    const google = await call(browser, (storeOptions) =>
      app.client.listConnectedAccounts({ connection: 'google-oauth2', storeOptions }),
    );
    const account = google.result!.accounts[0]!;

    const token = await browser.navigate(`${app.url}/connection-token?connection=google-oauth2`);
    const upstream = await fetch(`${app.tenant.url}/upstream/google-oauth2/me`, {
      headers: { authorization: `Bearer ${JSON.parse(token.body).accessToken}` },
    });
    expect(upstream.status).toBe(200);

    const deleted = await call(browser, (storeOptions) =>
      app.client.deleteConnectedAccount({ connectedAccountId: account.id, storeOptions }),
    );
    expect(deleted.error).toBeUndefined();
    // The cached upstream token no longer works, and a new exchange is refused clearly.
    const stale = await fetch(`${app.tenant.url}/upstream/google-oauth2/me`, {
      headers: { authorization: `Bearer ${JSON.parse(token.body).accessToken}` },
    });
    expect(stale.status).toBe(401);
    const refused = await call(browser, (storeOptions) =>
      app.client.getAccessTokenForConnection({
        connection: 'google-oauth2',
        loginHint: 'not-cached',
        storeOptions,
      }),
    );
    expect(refused.error).toMatchObject({ code: 'api_error' });
  });

  async function connectThroughConsent(browser: BrowserClient, connection: string) {
    const started = await call(
      browser,
      async (storeOptions) =>
        (await app.client.startConnectAccount({ connection, storeOptions })).href,
    );
    const consent = await browser.navigate(started.result!);
    const [form] = parseForms(consent.body, consent.url);
    const back = await browser.submit(
      form!,
      {},
      { stopBefore: (url) => url.pathname === '/auth/callback' },
    );
    return call(browser, (storeOptions) =>
      app.client.completeConnectAccount({ url: back.history.at(-1)!, storeOptions }),
    );
  }

  it('reports a denied consent, a missing connect_code and an unknown state by name', async () => {
    const browser = new BrowserClient();
    await loginAs(browser, { startUrl: `${app.url}/auth/login`, ...ALICE });
    const started = await call(
      browser,
      async (storeOptions) =>
        (await app.client.startConnectAccount({ connection: 'github', storeOptions })).href,
    );
    const consent = await browser.navigate(started.result!);
    const deny = /id="deny" href="([^"]+)"/.exec(consent.body)![1]!.replace(/&amp;/g, '&');
    const back = await browser.navigate(new URL(deny, consent.url), {
      stopBefore: (url) => url.pathname === '/auth/callback',
    });
    const callback = back.history.at(-1)!;
    expect(callback.searchParams.get('error')).toBe('access_denied');
    // One callback for both flows: the transaction says this was a connect, so the refusal is
    // reported as the connect's error even though there is no connect_code.
    const denied = await call(browser, (storeOptions) =>
      app.client.completeCallback({ url: callback, storeOptions }),
    );
    expect(denied.error).toMatchObject({ code: 'authorization_error', error: 'access_denied' });
    expect(denied.error).toHaveProperty('message', 'The connection was refused: access_denied');

    const noCode = new URL(callback);
    noCode.searchParams.delete('error');
    const missing = await call(browser, (storeOptions) =>
      app.client.completeConnectAccount({ url: noCode, storeOptions }),
    );
    expect(missing.error).toMatchObject({ code: 'missing_transaction' }); // the denied attempt's transaction is gone

    const unknown = await call(browser, (storeOptions) =>
      app.client.completeConnectAccount({
        url: `${app.url}/auth/callback?state=unknown&connect_code=x`,
        storeOptions,
      }),
    );
    expect(unknown.error).toMatchObject({ code: 'missing_transaction' });
    const noState = await call(browser, (storeOptions) =>
      app.client.completeConnectAccount({
        url: `${app.url}/auth/callback?connect_code=x`,
        storeOptions,
      }),
    );
    expect(noState.error).toMatchObject({ code: 'missing_required_argument', argument: 'state' });
  });

  it('refuses a bad take and surfaces My Account problems with their status and validation errors', async () => {
    const browser = new BrowserClient();
    await loginAs(browser, { startUrl: `${app.url}/auth/login`, ...ALICE });
    const badTake = await call(browser, (storeOptions) =>
      app.client.listConnectedAccounts({ take: 0, storeOptions }),
    );
    expect(badTake.error).toMatchObject({ code: 'invalid_argument', argument: 'take' });
    const unknownConnection = await call(browser, (storeOptions) =>
      app.client.startConnectAccount({ connection: 'no-such-connection', storeOptions }),
    );
    expect(unknownConnection.error).toMatchObject({
      code: 'my_account_api_error',
      status: 400,
      validationErrors: [expect.objectContaining({ field: 'connection' })],
    });
  });

  it('answers 401 without a valid token and 403 (MyAccountApiError) for a token lacking the scope', async () => {
    const anonymous = await fetch(`${myAccount}v1/connected-accounts/accounts`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json');

    const browser = new BrowserClient();
    await loginAs(browser, { startUrl: `${app.url}/auth/login`, ...ALICE });
    const otherApi = await fetch(`${myAccount}v1/connected-accounts/accounts`, {
      headers: { authorization: `Bearer ${await loginTokenFor(browser)}` },
    });
    expect(otherApi.status).toBe(401);

    const readOnly = await call(
      browser,
      async (storeOptions) =>
        (
          await app.client.getAccessToken({
            audience: myAccount,
            scope: 'read:me:connected_accounts',
            storeOptions,
          })
        ).accessToken,
    );
    const client = new MyAccountClient(app.tenant.url);
    await expect(
      client.listAccounts({ accessToken: readOnly.result! }, {}),
    ).resolves.toHaveProperty('accounts');
    const refused = await client
      .deleteAccount({ accessToken: readOnly.result! }, 'cac_any')
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(MyAccountApiError);
    expect(refused).toMatchObject({
      status: 403,
      title: 'Forbidden',
      code: 'my_account_api_error',
    });
  });
});

async function loginTokenFor(browser: BrowserClient) {
  const page = await browser.navigate(`${app.url}/token`);
  return JSON.parse(page.body).accessToken as string;
}
