import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO_CLIENT_SECRET, type DevTenantDomain } from '../src/index.js';
import { BrowserClient, type LoginAsOptions, loginAs } from '../src/testing/index.js';

export const CALLBACK = 'http://localhost:3000/auth/callback';
export const ALICE = { email: 'alice@example.com', password: 'alice-password' };
export const BOB = { email: 'bob@example.com', password: 'bob-password' };

const base64url = (bytes: Buffer) => bytes.toString('base64url');

/** Who logs in: email and password, and the second factor's code when the tenant asks for one. */
export type TestUser = Pick<LoginAsOptions, 'email' | 'password' | 'otp'>;

/** Where a helper talks to the tenant: the tenant itself (its main domain) or one of its `domains`. */
type TenantDomain = Pick<DevTenantDomain, 'url'>;

/** A PKCE pair, as an SDK makes one. */
export function pkce() {
  const verifier = base64url(randomBytes(32));
  return { verifier, challenge: base64url(createHash('sha256').update(verifier).digest()) };
}

/** Logs in through the tenant's form and returns the authorization code sent to the callback. */
export async function authorize(
  tenant: TenantDomain,
  params: Record<string, string> = {},
  browser = new BrowserClient(),
  user: TestUser = ALICE,
) {
  const { verifier, challenge } = pkce();
  const nonce = base64url(randomBytes(16));
  const state = base64url(randomBytes(16));
  const url = new URL('/authorize', tenant.url);
  url.search = new URLSearchParams({
    client_id: 'demo-web',
    response_type: 'code',
    redirect_uri: CALLBACK,
    scope: 'openid profile email offline_access',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    nonce,
    state,
    ...params,
  }).toString();
  const end = await loginAs(browser, {
    startUrl: url,
    ...user,
    stopBefore: (next) => next.href.startsWith(CALLBACK),
  });
  const callback = end.history.at(-1) as URL;
  return { callback, code: callback.searchParams.get('code'), verifier, nonce, state, browser };
}

/** Calls the token endpoint as the demo client (client_secret_basic), with `headers` (e.g. `dpop`). */
export async function tokenRequest(
  tenant: TenantDomain,
  params: Record<string, string>,
  headers: Record<string, string> = {},
) {
  const response = await fetch(new URL('/oauth/token', tenant.url), {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`demo-web:${DEMO_CLIENT_SECRET}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
      ...headers,
    },
    body: new URLSearchParams(params),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, string>,
  };
}

/** Logs in and exchanges the code: the token response of a fresh login. */
export async function loginTokens(
  tenant: TenantDomain,
  params: Record<string, string> = {},
  user: TestUser = ALICE,
) {
  const { code, verifier } = await authorize(tenant, params, new BrowserClient(), user);
  const tokens = await tokenRequest(tenant, {
    grant_type: 'authorization_code',
    code: code ?? '',
    redirect_uri: CALLBACK,
    code_verifier: verifier,
  });
  if (tokens.status !== 200)
    throw new Error(`code exchange failed: ${JSON.stringify(tokens.body)}`);
  return tokens.body;
}

/**
 * A relying party's back-channel logout route that answers each delivery with the next of
 * `answers` (a status, or `'drop'` to cut the connection: a network error), then 200.
 */
export async function startReceiver(answers: Array<number | 'drop'> = []) {
  const bodies: string[] = [];
  const server: Server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    bodies.push(body);
    const answer = answers.shift() ?? 200;
    if (answer === 'drop') req.socket.destroy();
    else res.writeHead(answer).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/logout`,
    bodies,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The logout tokens a receiver was sent, oldest first. */
export const logoutTokens = (bodies: readonly string[]): string[] =>
  bodies.map((body) => new URLSearchParams(body).get('logout_token') ?? '');
