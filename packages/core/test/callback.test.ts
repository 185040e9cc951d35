import { BrowserClient, loginAs } from '@gatehouse/dev-tenant/testing';
import { generateTestKey, signJws } from '@gatehouse/test-kit/tokens';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { errorCode, startTestApp, type TestApp } from './support/node-app.js';

const ALICE = { email: 'alice@example.com', password: 'alice-password' };
const isCallback = (url: URL) => url.pathname === '/auth/callback';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

/** Logs in up to the app's callback and returns its URL without requesting it. */
async function callbackUrl(browser = new BrowserClient()) {
  const end = await loginAs(browser, {
    startUrl: `${app.url}/auth/login`,
    ...ALICE,
    stopBefore: isCallback,
  });
  return { browser, callback: end.history.at(-1)! };
}

describe('callback errors are named and never reflected (SECURITY.md rules 9, 10)', () => {
  it('turns error= into authorization_error and escapes the description', async () => {
    const { browser, callback } = await callbackUrl();
    const hostile = new URL(callback);
    hostile.search = new URLSearchParams({
      state: callback.searchParams.get('state')!,
      iss: callback.searchParams.get('iss')!,
      error: 'access_denied',
      error_description: '<script>alert(1)</script>',
    }).toString();
    const page = await browser.navigate(hostile);
    expect(errorCode(page.body)).toBe('authorization_error');
    expect(page.body).not.toContain('<script>');
    expect(page.body).toContain('&#60;script&#62;');
  });

  it('names a callback without a matching transaction', async () => {
    const { callback } = await callbackUrl();
    const otherBrowser = new BrowserClient();
    expect(errorCode((await otherBrowser.navigate(callback)).body)).toBe('missing_transaction');
  });

  it('refuses a second use of the same callback (the code is spent)', async () => {
    const { browser, callback } = await callbackUrl();
    expect((await browser.navigate(callback)).url.pathname).toBe('/me');
    expect(errorCode((await browser.navigate(callback)).body)).toBe('missing_transaction');
  });

  it('refuses a callback whose iss differs from the tenant (RFC 9207)', async () => {
    const { browser, callback } = await callbackUrl();
    const forged = new URL(callback);
    forged.searchParams.set('iss', 'https://evil.example/');
    expect(errorCode((await browser.navigate(forged)).body)).toBe('invalid_callback');
  });

  it('refuses a code that belongs to another login attempt', async () => {
    const first = await callbackUrl();
    const second = await callbackUrl(first.browser);
    const swapped = new URL(second.callback);
    swapped.searchParams.set('code', first.callback.searchParams.get('code')!);
    expect(errorCode((await first.browser.navigate(swapped)).body)).toBe('token_exchange_error');
  });
});

describe('ID token verification (rule 11), through a fetch that forges the tenant response', () => {
  // Fault injection: this wrapper stands in for a tenant (or a network attacker) that returns a
  // forged ID token. Everything else is the real dev tenant.
  async function appWithForgedIdToken(forge: (idToken: string) => Promise<string>) {
    return startTestApp({
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        if (!String(input instanceof Request ? input.url : input).endsWith('/oauth/token'))
          return response;
        const body = await response.json();
        if (body.id_token) body.id_token = await forge(body.id_token);
        return new Response(JSON.stringify(body), {
          status: response.status,
          headers: { 'content-type': 'application/json' },
        });
      },
    });
  }

  const resign =
    (claims: (original: Record<string, unknown>) => Record<string, unknown>) =>
    async (idToken: string) => {
      const { kid } = decodeProtectedHeader(idToken);
      const foreign = await generateTestKey('RS256', { kid: kid! });
      return signJws({ alg: 'RS256', kid: kid! }, claims(decodeJwt(idToken)), foreign);
    };

  it.each([
    [
      'signs with a foreign key under the tenant kid',
      resign((claims) => claims),
      'id_token_validation_error',
    ],
    [
      'changes the nonce',
      resign((claims) => ({ ...claims, nonce: 'other' })),
      'id_token_validation_error',
    ],
    [
      'changes the audience',
      resign((claims) => ({ ...claims, aud: 'other-client' })),
      'id_token_validation_error',
    ],
    [
      'sends an expired token',
      resign((claims) => ({ ...claims, exp: 1000, iat: 900 })),
      'id_token_validation_error',
    ],
    [
      'sends alg none',
      async (idToken: string) =>
        `${Buffer.from('{"alg":"none"}').toString('base64url')}.${idToken.split('.')[1]}.`,
      'id_token_validation_error',
    ],
  ])('refuses a tenant response that %s', async (_attack, forge, code) => {
    const forged = await appWithForgedIdToken(forge);
    try {
      const browser = new BrowserClient();
      const end = await loginAs(browser, { startUrl: `${forged.url}/auth/login`, ...ALICE });
      expect(errorCode(end.body)).toBe(code);
      expect(JSON.parse((await browser.navigate(`${forged.url}/me`)).body).user).toBeNull();
    } finally {
      await forged.close();
    }
  });
});

describe('session_expiry at login', () => {
  it('refuses a login whose ceiling has already passed, and stores nothing', async () => {
    const expired = await startTestApp(
      {},
      {
        users: [
          {
            ...ALICE,
            idTokenClaims: () => ({ session_expiry: Math.floor(Date.now() / 1000) + 10 }),
          },
        ],
      },
    );
    try {
      const browser = new BrowserClient();
      const end = await loginAs(browser, { startUrl: `${expired.url}/auth/login`, ...ALICE });
      expect(errorCode(end.body)).toBe('session_expired');
      expect(
        browser.cookies.names(expired.url).filter((name) => name.startsWith('gatehouse.')),
      ).toEqual([]);
    } finally {
      await expired.close();
    }
  });

  it('keeps a future ceiling and ends the session when it comes', async () => {
    const ceiling = Math.floor(Date.now() / 1000) + 3600;
    const capped = await startTestApp(
      {},
      { users: [{ ...ALICE, idTokenClaims: { session_expiry: ceiling } }] },
    );
    try {
      const browser = new BrowserClient();
      const end = await loginAs(browser, { startUrl: `${capped.url}/auth/login`, ...ALICE });
      expect(JSON.parse(end.body).user.session_expiry).toBe(ceiling);
      const setCookie = (await browser.request(`${capped.url}/me`)).headers.getSetCookie();
      expect(setCookie).toEqual([]); // a read within a minute does not rewrite the cookie
      vi.useFakeTimers({ toFake: ['Date'], now: (ceiling - 29) * 1000 });
      expect(JSON.parse((await browser.navigate(`${capped.url}/me`)).body).user).toBeNull();
    } finally {
      vi.useRealTimers();
      await capped.close();
    }
  });
});
