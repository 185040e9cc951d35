/**
 * Real access tokens from the dev tenant, obtained as an app would: an authorization-code login
 * with PKCE through the tenant's login form over HTTP, then the code exchange at the token endpoint
 * as the `demo-web` client.
 */
import { createHash, randomBytes } from 'node:crypto';
import { DEMO_CLIENT_SECRET, type DevTenant } from '@gatehouse/dev-tenant';
import { BrowserClient, loginAs } from '@gatehouse/dev-tenant/testing';
import { AUDIENCE } from '@gatehouse/test-kit/tokens';

const CALLBACK = 'http://localhost:3000/auth/callback';
export const ALICE = { email: 'alice@example.com', password: 'alice-password' };
export const BOB = { email: 'bob@example.com', password: 'bob-password' };

/** The `demo-web` client's credentials, for Token Vault. */
export const DEMO_CLIENT = { clientId: 'demo-web', clientSecret: DEMO_CLIENT_SECRET };

/**
 * Logs `user` in and returns an access token for `audience` with the scopes asked for, on the
 * tenant's main domain or on one of its `domains`.
 */
export async function tenantAccessToken(
  tenant: Pick<DevTenant, 'url'>,
  options: { audience?: string; scope?: string; user?: { email: string; password: string } } = {},
): Promise<string> {
  const verifier = randomBytes(32).toString('base64url');
  const authorize = new URL('/authorize', tenant.url);
  authorize.search = new URLSearchParams({
    client_id: DEMO_CLIENT.clientId,
    response_type: 'code',
    redirect_uri: CALLBACK,
    scope: options.scope ?? 'openid read:orders',
    audience: options.audience ?? AUDIENCE,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    nonce: randomBytes(16).toString('base64url'),
    state: randomBytes(16).toString('base64url'),
  }).toString();
  const end = await loginAs(new BrowserClient(), {
    startUrl: authorize,
    ...(options.user ?? ALICE),
    stopBefore: (next) => next.href.startsWith(CALLBACK),
  });
  const code = (end.history.at(-1) as URL).searchParams.get('code');
  if (!code) throw new Error('the dev tenant returned no authorization code');
  const response = await fetch(new URL('/oauth/token', tenant.url), {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${DEMO_CLIENT.clientId}:${DEMO_CLIENT.clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: CALLBACK,
      code_verifier: verifier,
    }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`code exchange failed: ${JSON.stringify(body)}`);
  return body.access_token;
}
