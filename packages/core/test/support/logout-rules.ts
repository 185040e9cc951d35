import { randomUUID } from 'node:crypto';
import { BrowserClient, loginAs } from '@gatehouse/dev-tenant/testing';
import { decodeJwt, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CookieStoreOptions, ServerClientOptions } from '../../src/index.js';
import { startTestApp, type TestApp } from './node-app.js';

const ALICE = { email: 'alice@example.com', password: 'alice-password' };
const BOB = { email: 'bob@example.com', password: 'bob-password' };
const EVENT = { 'http://schemas.openid.net/event/backchannel-logout': {} };

/** The session stores under test: each makes the `ServerClient` options of one kind of store. */
export type LogoutRuleStores = Record<
  string,
  () => Partial<ServerClientOptions<CookieStoreOptions>> & { close?(): Promise<void> }
>;

/**
 * Which sessions a back-channel logout ends, the same for every store (issue 18, items 5 and 8):
 *
 * - OpenID Connect Back-Channel Logout 1.0 §2.4: a token naming `sub` and `sid` ends the session
 *   matching both, not every session of that `sid` whatever its user;
 * - a `sub`-only logout ends the sessions begun before it, and a login in the same second after
 *   it survives (the times compared are in milliseconds, not whole seconds).
 *
 * Real logins through the dev tenant; logout tokens are signed by a key added to the tenant's
 * published ones (fault injection at the JWKS fetch), so they can name any `sub` and `sid`.
 */
export function describeLogoutRules(stores: LogoutRuleStores): void {
  describe.each(Object.entries(stores))('back-channel logout rules, %s', (_name, optionsFor) => {
    let app: TestApp;
    let options: ReturnType<typeof optionsFor>;
    let sign: (claims: Record<string, unknown>) => Promise<string>;

    beforeAll(async () => {
      const { privateKey, publicKey } = await generateKeyPair('RS256');
      const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'logout-rules', alg: 'RS256' };
      options = optionsFor();
      const { close: _close, ...clientOptions } = options;
      app = await startTestApp({
        ...clientOptions,
        fetch: async (input, init) => {
          const response = await fetch(input, init);
          if (!String(input).endsWith('/.well-known/jwks.json')) return response;
          const { keys } = (await response.json()) as { keys: JWK[] };
          return Response.json({ keys: [...keys, jwk] });
        },
      });
      sign = (claims) =>
        new SignJWT({ ...claims, events: EVENT, jti: randomUUID() })
          .setProtectedHeader({ alg: 'RS256', kid: 'logout-rules', typ: 'logout+jwt' })
          .setIssuer(app.tenant.issuer)
          .setAudience('demo-web')
          .setIssuedAt()
          .sign(privateKey);
    });
    afterEach(() => {
      vi.useRealTimers();
    });
    afterAll(async () => {
      await app.close();
      await options.close?.();
    });

    const signIn = async (credentials: typeof ALICE) => {
      const browser = new BrowserClient();
      await loginAs(browser, { startUrl: `${app.url}/auth/login`, ...credentials });
      return browser;
    };
    const userOf = async (browser: BrowserClient) =>
      JSON.parse((await browser.navigate(`${app.url}/me`)).body).user?.sub ?? null;
    /** The tenant session id of a browser's session, from its ID token. */
    const sidOf = async (browser: BrowserClient) => {
      const { session } = JSON.parse((await browser.navigate(`${app.url}/session`)).body);
      return decodeJwt(session.idToken).sid as string;
    };
    const logout = async (claims: { sub?: string; sid?: string }) =>
      app.client.handleBackchannelLogout({ logoutToken: await sign(claims) });

    it('with sub and sid, ends only the session matching both', async () => {
      const alice = await signIn(ALICE);
      const bob = await signIn(BOB);
      const bobSid = await sidOf(bob);
      // Alice's sub with Bob's sid names no session: neither ends.
      await logout({ sub: 'auth0|alice', sid: bobSid });
      expect(await userOf(bob)).toBe('auth0|bob');
      expect(await userOf(alice)).toBe('auth0|alice');
      // Bob's own sub and sid end his session, and only his.
      await logout({ sub: 'auth0|bob', sid: bobSid });
      expect(await userOf(bob)).toBeNull();
      expect(await userOf(alice)).toBe('auth0|alice');
    });

    it('with sid only, ends that tenant session', async () => {
      const bob = await signIn(BOB);
      await logout({ sid: await sidOf(bob) });
      expect(await userOf(bob)).toBeNull();
    });

    it('with sub only, ends the sessions begun before it, to the millisecond', async () => {
      const earlier = await signIn(ALICE);
      const bob = await signIn(BOB);
      // The clock (Date only; timers run) is set to instants of one second, after the sessions
      // above began: a login at .050, the logout at .100, a new login at .700.
      const second = Math.ceil(Date.now() / 1000) * 1000 + 1000;
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(second + 50);
      const justBefore = await signIn(ALICE);
      vi.setSystemTime(second + 100);
      await logout({ sub: 'auth0|alice' });
      vi.setSystemTime(second + 700);
      const after = await signIn(ALICE);
      expect(await userOf(after)).toBe('auth0|alice');
      expect(await userOf(justBefore)).toBeNull();
      expect(await userOf(earlier)).toBeNull();
      expect(await userOf(bob)).toBe('auth0|bob');
    });
  });
}
