import { createHash, randomBytes } from 'node:crypto';
import { DEMO_CLIENT_SECRET, type DevTenant } from '../src/index.js';
import { BrowserClient, loginAs } from '../src/testing/index.js';

export const CALLBACK = 'http://localhost:3000/auth/callback';
export const ALICE = { email: 'alice@example.com', password: 'alice-password' };

const base64url = (bytes: Buffer) => bytes.toString('base64url');

/** A PKCE pair, as an SDK makes one. */
export function pkce() {
  const verifier = base64url(randomBytes(32));
  return { verifier, challenge: base64url(createHash('sha256').update(verifier).digest()) };
}

/** Logs in through the tenant's form and returns the authorization code sent to the callback. */
export async function authorize(
  tenant: DevTenant,
  params: Record<string, string> = {},
  browser = new BrowserClient(),
  user = ALICE,
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

/** Calls the token endpoint as the demo client (client_secret_basic). */
export async function tokenRequest(tenant: DevTenant, params: Record<string, string>) {
  const response = await fetch(new URL('/oauth/token', tenant.url), {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`demo-web:${DEMO_CLIENT_SECRET}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(params),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

/** Logs in and exchanges the code: the token response of a fresh login. */
export async function loginTokens(
  tenant: DevTenant,
  params: Record<string, string> = {},
  user = ALICE,
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
