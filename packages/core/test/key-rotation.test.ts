/**
 * The dev tenant rotates its signing key: ID tokens and logout tokens are verified through the key
 * cache APIs use, so the first token signed with the new key verifies at once, with one JWKS
 * refetch: no window (oauth4webapi's was 60 seconds, jose's remote JWKS cooldown 30) in which
 * logins fail or a back-channel logout is answered with 400 and lost.
 */
import { BrowserClient, endUserSessions, loginAs } from '@gatehouse/dev-tenant/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/node-app.js';

const ALICE = { email: 'alice@example.com', password: 'alice-password' };

/** A fetch that counts the app's JWKS requests to the tenant. */
function jwksCounter() {
  let count = 0;
  const counted: typeof fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url.endsWith('/.well-known/jwks.json')) count += 1;
    return fetch(input, init);
  };
  return { fetch: counted, count: () => count };
}

const kidOf = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[0] as string, 'base64url').toString()).kid as string;

describe('a signing-key rotation at the dev tenant', () => {
  let app: TestApp;
  afterEach(() => app.close());

  const login = async () => {
    const browser = new BrowserClient();
    await loginAs(browser, { startUrl: `${app.url}/auth/login`, ...ALICE });
    return browser;
  };
  const sessionOf = async (browser: BrowserClient) =>
    JSON.parse((await browser.navigate(`${app.url}/session`)).body).session as {
      idToken: string;
    } | null;

  it('log in, rotate, log in again at once: signed with the new key, one extra JWKS request', async () => {
    const jwks = jwksCounter();
    app = await startTestApp({ fetch: jwks.fetch });
    await login();
    const before = jwks.count();
    const { kid } = await app.tenant.rotateKeys();
    const session = await sessionOf(await login());
    expect(kidOf(session?.idToken as string)).toBe(kid);
    expect(jwks.count()).toBe(before + 1);
  });

  it('log in, rotate, end the user’s sessions at the tenant at once: the logout is taken', async () => {
    const jwks = jwksCounter();
    app = await startTestApp({ fetch: jwks.fetch });
    const browser = await login();
    const before = jwks.count();
    await app.tenant.rotateKeys();
    expect(await endUserSessions(app.tenant.url, 'auth0|alice')).toEqual({
      sessions: 1,
      notified: 1,
    });
    const [delivery] = app.tenant.backchannelDeliveries();
    expect(delivery?.state).toBe('delivered');
    expect(delivery?.attempts.map((attempt) => attempt.status)).toEqual([200]);
    expect(await sessionOf(browser)).toBeNull();
    // The logout token was signed with the new key: one refetch made it verifiable.
    expect(jwks.count()).toBe(before + 1);
  });
});
