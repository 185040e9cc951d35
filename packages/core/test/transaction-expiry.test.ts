import { BrowserClient, loginAs } from '@gatehouse/dev-tenant/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { errorCode, startTestApp, type TestApp } from './support/node-app.js';

const ALICE = { email: 'alice@example.com', password: 'alice-password' };
const isCallback = (url: URL) => url.pathname === '/auth/callback';

/**
 * SECURITY.md rule 9: an abandoned login transaction expires. Its expiry is inside the seal (an
 * hour), so a callback that comes later finds no transaction, whatever the cookie's Max-Age said.
 */
describe('abandoned login transactions expire (SECURITY.md rule 9)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  afterAll(() => app.close());

  /** A login walked up to the tenant's redirect back to the app, not followed yet. */
  const loginUpToCallback = async (browser: BrowserClient) => {
    const stopped = await loginAs(browser, {
      startUrl: `${app.url}/auth/login`,
      ...ALICE,
      stopBefore: isCallback,
    });
    return stopped.history.at(-1)!;
  };

  it('completes a callback within the hour (the control)', async () => {
    const browser = new BrowserClient();
    const callback = await loginUpToCallback(browser);
    const end = await browser.navigate(callback);
    expect(JSON.parse(end.body).user).toMatchObject({ sub: 'auth0|alice' });
  });

  it('refuses the callback of a transaction older than an hour as missing_transaction', async () => {
    const browser = new BrowserClient();
    const callback = await loginUpToCallback(browser);
    // The browser kept the cookie (a tab left open); only the clock moves (Date only).
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 3601 * 1000 });
    const end = await browser.navigate(callback);
    expect(errorCode(end.body)).toBe('missing_transaction');
  });
});
