import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LogoutRevocations, ReplayStore, SessionBackend } from '@gatehouse/core';
import type { WebAuthOptions } from '@gatehouse/core/web';
import {
  BrowserClient,
  backchannelDeliveries,
  endUserSessions,
  loginAs,
} from '@gatehouse/dev-tenant/testing';
import { generateTestKey, mintLogoutToken } from '@gatehouse/test-kit/tokens';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALICE,
  BOB,
  type BuildTestApp,
  type Deployment,
  HTML,
  startDeployment,
} from '../harness.js';

/**
 * The shared store the instances of an app use (Redis in `@gatehouse/redis`): each call makes a
 * new connection, as each machine would have its own.
 */
export interface SharedStores {
  sessions(): SessionBackend;
  revocations(): LogoutRevocations;
  logoutTokens(): ReplayStore;
  /** Fault injection: the store becomes unreachable, then comes back with its data. */
  cut(): Promise<void>;
  restore(): Promise<void>;
  /** Closes every connection made. */
  close(): Promise<void>;
}

const MODES = {
  'server sessions in the shared store': (stores: SharedStores): WebAuthOptions => ({
    session: { store: { backend: stores.sessions() } },
    logoutTokenReplayStore: stores.logoutTokens(),
  }),
  'cookie sessions with a shared revocation list': (stores: SharedStores): WebAuthOptions => ({
    logoutRevocations: stores.revocations(),
    logoutTokenReplayStore: stores.logoutTokens(),
  }),
};

/** A back-channel logout the tenant sent, and what the app answered. */
interface Delivery {
  body: string;
  status: number;
  answer: string;
}

/**
 * A fault-injection relay standing where the tenant posts back-channel logouts: it records each
 * body and the app's answer and passes both on, so a test can replay a real logout token later.
 */
async function startRecordingRelay() {
  const deliveries: Delivery[] = [];
  let target = '';
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const forwarded = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': String(req.headers['content-type']) },
      body,
    });
    const answer = await forwarded.text();
    deliveries.push({ body, status: forwarded.status, answer });
    res.writeHead(forwarded.status).end(answer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    deliveries,
    forwardTo(url: string) {
      target = url;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** A logout token with every claim right, signed by a key the tenant never published. */
async function forgedLogoutToken(issuer: string, audience: string): Promise<string> {
  return mintLogoutToken(await generateTestKey('RS256', { kid: 'forged' }), {
    issuer,
    audience,
    now: Math.floor(Date.now() / 1000),
    claims: { sub: 'auth0|bob' },
  });
}

/**
 * Sends `request` until the instance stops answering 503. Once the store is back, each of the
 * instance's connections reconnects on ioredis's own back-off schedule; until then the instance
 * rightly answers 503, so waiting is the user's part here, not a test of timing.
 */
async function whenStoreIsBack(request: () => Promise<Response>): Promise<Response> {
  for (let attempt = 1; ; attempt += 1) {
    const response = await request();
    if (response.status !== 503 || attempt === 50) return response;
    await response.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Polls `check` until it returns something truthy (at most 10 s), and returns that. */
async function until<T>(what: string, check: () => Promise<T | false>, show: () => unknown) {
  for (let attempt = 1; ; attempt += 1) {
    const result = await check();
    if (result) return result;
    if (attempt === 100) {
      throw new Error(`not within 10 s: ${what}; ${JSON.stringify(await show())}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const postLogoutToken = (url: string, body: string) =>
  fetch(`${url}/auth/backchannel-logout`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });

/**
 * Two instances of an app sharing one store, as behind a load balancer: sessions follow the
 * browser from one to the other, a logout at the tenant ends them on both, logout tokens are
 * accepted once across both, and a store outage is a 503 on both, after which nothing is lost.
 */
export function describeSharedSessions(
  build: BuildTestApp,
  makeStores: () => Promise<SharedStores>,
): void {
  describe.each(Object.entries(MODES))('two instances, %s', (_mode, optionsFor) => {
    let stores: SharedStores;
    let relay: Awaited<ReturnType<typeof startRecordingRelay>>;
    let deployment: Deployment;
    let a: string;
    let b: string;

    beforeAll(async () => {
      stores = await makeStores();
      relay = await startRecordingRelay();
      deployment = await startDeployment(build, {
        instances: 2,
        auth: () => optionsFor(stores),
        backchannelLogoutUri: () => relay.url,
        // Redeliveries close together, so an outage of a second sees a few of them.
        tenant: { backchannelLogout: { maxAttempts: 30, retryDelayMs: 100, maxRetryDelayMs: 400 } },
      });
      [a, b] = deployment.urls as [string, string];
      relay.forwardTo(`${a}/auth/backchannel-logout`);
    });
    afterAll(async () => {
      await deployment.close();
      await relay.close();
      await stores.close();
    });

    const signIn = async (credentials: typeof ALICE, on: string) => {
      const browser = new BrowserClient();
      const landing = await loginAs(browser, { startUrl: `${on}/auth/login`, ...credentials });
      expect(landing.response.status).toBe(200);
      return browser;
    };
    /** The user an instance sees; the browser keeps cookies per host, so both get them. */
    const userOn = async (browser: BrowserClient, on: string) => {
      const page = await browser.navigate(`${on}/me`);
      expect(page.response.status).toBe(200);
      return JSON.parse(page.body).user;
    };

    it('reads on one instance a session begun on the other', async () => {
      const browser = await signIn(ALICE, a);
      expect(await userOn(browser, b)).toMatchObject({ sub: 'auth0|alice' });
    });

    it('ends the user’s sessions on both instances when the tenant logs her out', async () => {
      const onA = await signIn(ALICE, a);
      const onB = await signIn(ALICE, b);
      const bob = await signIn(BOB, b);
      expect(await endUserSessions(deployment.tenant.url, 'auth0|alice')).toMatchObject({
        notified: expect.any(Number),
      });
      for (const browser of [onA, onB]) {
        expect(await userOn(browser, a)).toBeNull();
        expect(await userOn(browser, b)).toBeNull();
      }
      expect(await userOn(bob, a)).toMatchObject({ sub: 'auth0|bob' });
    });

    it('signs Alice out everywhere from the app: both browsers, both instances; Bob stays', async () => {
      const onA = await signIn(ALICE, a);
      const onB = await signIn(ALICE, b);
      const bob = await signIn(BOB, b);
      const response = await onA.request(`${a}/logout-everywhere`, { method: 'POST' });
      expect(response.status).toBe(200);
      for (const browser of [onA, onB]) {
        expect(await userOn(browser, a)).toBeNull();
        expect(await userOn(browser, b)).toBeNull();
      }
      expect(await userOn(bob, a)).toMatchObject({ sub: 'auth0|bob' });
      // Signing in again afterwards works: only sessions begun before were ended.
      expect(await userOn(await signIn(ALICE, b), a)).toMatchObject({ sub: 'auth0|alice' });
    });

    it('refuses a logout token replayed to either instance', async () => {
      const bob = await signIn(BOB, a);
      relay.deliveries.length = 0;
      await endUserSessions(deployment.tenant.url, 'auth0|bob');
      const delivered = relay.deliveries[0]?.body;
      expect(delivered).toContain('logout_token=');
      expect(await userOn(bob, b)).toBeNull();
      // Bob signs in again; a replay of the old token must not end his new session.
      const again = await signIn(BOB, b);
      for (const instance of [b, a]) {
        const replay = await postLogoutToken(instance, delivered!);
        expect(replay.status).toBe(400);
        expect(await replay.json()).toMatchObject({ error: 'backchannel_logout_error' });
      }
      expect(await userOn(again, a)).toMatchObject({ sub: 'auth0|bob' });
    });

    it('refuses a forged logout token', async () => {
      const bob = await signIn(BOB, a);
      const token = await forgedLogoutToken(`${deployment.tenant.url}/`, 'demo-web');
      const response = await postLogoutToken(
        b,
        new URLSearchParams({ logout_token: token }).toString(),
      );
      expect(response.status).toBe(400);
      const text = await response.text();
      expect(JSON.parse(text)).toMatchObject({ error: 'backchannel_logout_error' });
      expect(text).not.toContain('    at ');
      expect(await userOn(bob, b)).toMatchObject({ sub: 'auth0|bob' });
    });

    it('answers 503 on both instances while the store is away, and loses nothing', async () => {
      const browser = await signIn(ALICE, a);
      await stores.cut();
      try {
        for (const instance of [a, b]) {
          const api = await browser.request(`${instance}/profile`);
          expect(api.status).toBe(503);
          expect(api.headers.get('retry-after')).toBe('2');
          expect(await api.json()).toMatchObject({ error: 'session_store_unavailable' });
        }
        // Each request waits out the store's command timeout, so the other checks are made once.
        // requiresAuth fails closed: neither the page nor a redirect to login.
        const page = await browser.request(`${a}/profile`, { headers: HTML });
        expect(page.status).toBe(503);
        expect(page.headers.get('location')).toBeNull();
        // Nor is the app's own code told "signed out": reading the user throws the typed error,
        // which reaches the app's error handler (the harness's answers 418 with the code).
        const me = await browser.request(`${b}/me`);
        expect(await me.json()).toMatchObject({ code: 'session_store_unavailable' });
      } finally {
        await stores.restore();
      }
      for (const instance of [a, b]) {
        const profile = await whenStoreIsBack(() => browser.request(`${instance}/profile`));
        expect(profile.status).toBe(200);
        expect(await profile.json()).toMatchObject({ sub: 'auth0|alice' });
      }
    });

    // Redeliveries back off (1 s, 2 s, 4 s, ...): on a loaded machine this takes a while.
    it('refuses with 503 a logout delivered while the store is away, and takes the tenant’s redelivery after', async () => {
      const browser = await signIn(ALICE, a);
      const earlier = (await backchannelDeliveries(deployment.tenant.url)).length;
      const hers = async () =>
        (await backchannelDeliveries(deployment.tenant.url))
          .slice(earlier)
          .filter((delivery) => delivery.sub === 'auth0|alice');
      relay.deliveries.length = 0;
      await stores.cut();
      try {
        // The tenant learns that the logout did not happen (no 200), so it delivers it again.
        expect(await endUserSessions(deployment.tenant.url, 'auth0|alice')).toMatchObject({
          notified: 0,
        });
        // It does, while the store is still away: refused again, with 503.
        await until(
          'a redelivery during the outage',
          async () => (await hers()).every((delivery) => delivery.attempts.length >= 2),
          hers,
        );
      } finally {
        await stores.restore();
      }
      // Once the store is back, a redelivery is taken and ends her sessions on both instances.
      const settled = await until(
        'the redeliveries settled',
        async () => {
          const deliveries = await hers();
          return deliveries.every((delivery) => delivery.state !== 'pending') && deliveries;
        },
        hers,
      );
      // One token per tenant session of hers (earlier tests' included).
      expect(settled.length).toBeGreaterThan(0);
      for (const delivery of settled) {
        expect(delivery.state).toBe('delivered');
        const statuses = delivery.attempts.map((attempt) => attempt.status);
        expect(statuses.slice(0, 2)).toEqual([503, 503]);
        expect(statuses.at(-1)).toBe(200);
      }
      // Every refusal was "try again", with nothing of the outage's cause in the answer.
      const refused = relay.deliveries.filter(({ status }) => status !== 200);
      expect(refused.length).toBeGreaterThan(0);
      for (const { status, answer } of refused) {
        expect(status).toBe(503);
        expect(JSON.parse(answer)).toMatchObject({ error: 'session_store_unavailable' });
        expect(answer).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|Redis| {4}at /);
      }
      // Each redelivery was the same token as its first attempt: the refusals had not used it up.
      expect(new Set(relay.deliveries.map(({ body }) => body)).size).toBe(settled.length);
      // Signed out on both, once each instance has its store again (its own reconnection).
      for (const instance of [a, b]) {
        const profile = await whenStoreIsBack(() => browser.request(`${instance}/profile`));
        expect(profile.status).toBe(401);
      }
    }, 60_000);
  });
}
