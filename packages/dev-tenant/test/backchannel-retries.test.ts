import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_CLIENTS,
  type DevTenant,
  type DevTenantConfig,
  startDevTenant,
} from '../src/index.js';
import { backchannelDeliveries, endUserSessions } from '../src/testing/index.js';
import { authorize, startReceiver } from './helpers.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function tenantPostingTo(
  url: string,
  backchannelLogout?: DevTenantConfig['backchannelLogout'],
) {
  const tenant = await startDevTenant({
    config: {
      clients: [{ ...DEFAULT_CLIENTS[0]!, backchannelLogoutUri: url }],
      ...(backchannelLogout ? { backchannelLogout } : {}),
    },
  });
  cleanups.push(() => tenant.close());
  return tenant;
}

const logOutAlice = (tenant: DevTenant) => endUserSessions(tenant.url, 'auth0|alice');

/** Waits until every delivery has settled (delivered, or given up). */
async function settled(tenant: DevTenant) {
  for (let wait = 0; wait < 250; wait += 1) {
    const deliveries = await backchannelDeliveries(tenant.url);
    if (deliveries.every((delivery) => delivery.state !== 'pending')) return deliveries;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the deliveries did not settle');
}

const FAST = { maxAttempts: 4, retryDelayMs: 20, maxRetryDelayMs: 40 };

describe('back-channel logout redelivery', () => {
  it('redelivers the same logout token after a non-2xx answer, with backoff, until it is taken', async () => {
    const receiver = await startReceiver([503, 500]);
    cleanups.push(receiver.close);
    const tenant = await tenantPostingTo(receiver.url, FAST);
    await authorize(tenant);
    // The first delivery failed: the tenant says so, and goes on trying.
    expect(await logOutAlice(tenant)).toEqual({ sessions: 1, notified: 0 });
    const [delivery, ...others] = await settled(tenant);
    expect(others).toEqual([]);
    expect(delivery).toMatchObject({
      url: receiver.url,
      clientId: 'demo-web',
      sub: 'auth0|alice',
      sid: expect.any(String),
      state: 'delivered',
    });
    expect(delivery!.attempts.map((attempt) => attempt.status)).toEqual([503, 500, 200]);
    // Backoff: each wait at least as long as the one before.
    const [first, second, third] = delivery!.attempts.map((attempt) => attempt.at);
    expect(second! - first!).toBeGreaterThanOrEqual(FAST.retryDelayMs);
    expect(third! - second!).toBeGreaterThanOrEqual(2 * FAST.retryDelayMs);
    // The same token each time: a relying party that refused it without using it takes it later.
    expect(new Set(receiver.bodies).size).toBe(1);
    expect(receiver.bodies).toHaveLength(3);
  });

  it('redelivers after a network error', async () => {
    const receiver = await startReceiver(['drop']);
    cleanups.push(receiver.close);
    const tenant = await tenantPostingTo(receiver.url, FAST);
    await authorize(tenant);
    await logOutAlice(tenant);
    const [delivery] = await settled(tenant);
    expect(delivery!.attempts).toEqual([
      { at: expect.any(Number), error: expect.any(String) },
      { at: expect.any(Number), status: 200 },
    ]);
    expect(delivery!.state).toBe('delivered');
  });

  it('redelivers later than the first request’s own timeout (each attempt has its own)', async () => {
    const receiver = await startReceiver([503]);
    cleanups.push(receiver.close);
    // oidc-provider gives its request a 2.5 s timeout signal; the redelivery comes after it fired.
    const tenant = await tenantPostingTo(receiver.url, { maxAttempts: 2, retryDelayMs: 2700 });
    await authorize(tenant);
    await logOutAlice(tenant);
    const [delivery] = await settled(tenant);
    expect(delivery!.attempts.map((attempt) => attempt.status)).toEqual([503, 200]);
  });

  it('gives up after maxAttempts', async () => {
    const receiver = await startReceiver([503, 503, 503, 503, 503, 503]);
    cleanups.push(receiver.close);
    const tenant = await tenantPostingTo(receiver.url, FAST);
    await authorize(tenant);
    await logOutAlice(tenant);
    const [delivery] = await settled(tenant);
    expect(delivery!.state).toBe('failed');
    expect(delivery!.attempts).toHaveLength(FAST.maxAttempts);
    expect(receiver.bodies).toHaveLength(FAST.maxAttempts);
  });

  it('delivers once when the first attempt is taken, and maxAttempts 1 turns redelivery off', async () => {
    const ok = await startReceiver([]);
    cleanups.push(ok.close);
    const tenant = await tenantPostingTo(ok.url, FAST);
    await authorize(tenant);
    expect(await logOutAlice(tenant)).toEqual({ sessions: 1, notified: 1 });
    const [delivery] = await settled(tenant);
    expect(delivery!.attempts.map((attempt) => attempt.status)).toEqual([200]);

    const failing = await startReceiver([503]);
    cleanups.push(failing.close);
    const once = await tenantPostingTo(failing.url, { maxAttempts: 1 });
    await authorize(once);
    await logOutAlice(once);
    const [only] = await settled(once);
    expect(only).toMatchObject({ state: 'failed', attempts: [{ status: 503 }] });
  });

  it('lists deliveries on the tenant object too', async () => {
    const receiver = await startReceiver([]);
    cleanups.push(receiver.close);
    const tenant = await tenantPostingTo(receiver.url);
    expect(tenant.backchannelDeliveries()).toEqual([]);
    await authorize(tenant);
    await logOutAlice(tenant);
    expect(tenant.backchannelDeliveries()).toHaveLength(1);
    expect(tenant.config.backchannelLogout).toEqual({
      maxAttempts: 5,
      retryDelayMs: 1000,
      maxRetryDelayMs: 30_000,
    });
  });
});

describe('the backchannelLogout option is checked at startDevTenant', () => {
  it.each([
    ['not an object', 5, /backchannelLogout must be an object/],
    ['an unknown key', { retries: 3 }, /backchannelLogout\.retries is not an option/],
    ['maxAttempts 0', { maxAttempts: 0 }, /backchannelLogout\.maxAttempts/],
    ['maxAttempts 1.5', { maxAttempts: 1.5 }, /backchannelLogout\.maxAttempts/],
    ['maxAttempts as a string', { maxAttempts: '3' }, /backchannelLogout\.maxAttempts/],
    ['a negative retryDelayMs', { retryDelayMs: -1 }, /backchannelLogout\.retryDelayMs/],
    [
      'an infinite maxRetryDelayMs',
      { maxRetryDelayMs: Infinity },
      /backchannelLogout\.maxRetryDelayMs/,
    ],
  ])('refuses %s, naming the field', async (_what, value, message) => {
    await expect(startDevTenant({ config: { backchannelLogout: value as never } })).rejects.toThrow(
      message,
    );
  });
});
