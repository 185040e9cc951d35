/**
 * The tenant rotates its signing key: ID tokens (and logout tokens) are verified through the key
 * cache APIs use, so the first login signed with the new key works at once, with one JWKS refetch,
 * rather than after a refetch window (oauth4webapi's was 60 seconds).
 */
import { BrowserClient, loginAs } from '@gatehouse/dev-tenant/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/node-app.js';

const ALICE = { email: 'alice@example.com', password: 'alice-password' };

describe('a signing-key rotation at the tenant', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const login = async () => {
    const browser = new BrowserClient();
    const end = await loginAs(browser, { startUrl: `${app.url}/auth/login`, ...ALICE });
    return JSON.parse(end.body).user as { sub: string } | null;
  };

  it('is picked up by the next login, signed with the new key', async () => {
    expect(await login()).toMatchObject({ sub: 'auth0|alice' });
    const { kid } = await app.tenant.rotateKeys();
    const idTokenKid = async () => {
      const browser = new BrowserClient();
      await loginAs(browser, { startUrl: `${app.url}/auth/login`, ...ALICE });
      const { session } = JSON.parse((await browser.navigate(`${app.url}/session`)).body);
      const header = JSON.parse(Buffer.from(session.idToken.split('.')[0], 'base64url').toString());
      return header.kid as string;
    };
    expect(await idTokenKid()).toBe(kid);
  });
});
