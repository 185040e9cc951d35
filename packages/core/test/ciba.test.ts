/**
 * Client-Initiated Backchannel Authentication against the dev tenant: a request approved on the
 * user's "device" (the test kit) gives tokens and a session; denied, expired, polled too fast
 * and aborted requests end as a user of the SDK expects.
 */
import {
  approveBackchannel,
  denyBackchannel,
  listBackchannelRequests,
} from '@gatehouse/dev-tenant/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackchannelAuthenticationError, MissingRequiredArgumentError } from '../src/index.js';
import { MemoryCookieJar } from './support/memory-jar.js';
import { startTestApp, type TestApp } from './support/node-app.js';

const ALICE = 'auth0|alice';
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({}, { ciba: { interval: 1, maxExpiry: 60 } });
});
afterAll(() => app.close());

/** The user approves (or denies) on their device once the request shows there. */
async function onDevice(authReqId: string, decide: typeof approveBackchannel, afterMs = 300) {
  await new Promise((resolve) => setTimeout(resolve, afterMs));
  const pending = await listBackchannelRequests({ tenantUrl: app.tenant.url, sub: ALICE });
  expect(pending.map((request) => request.authReqId)).toContain(authReqId);
  await decide({ tenantUrl: app.tenant.url, authReqId });
}

describe('backchannel authentication (CIBA)', () => {
  it('gives the approving user’s tokens, the ID token checked', async () => {
    const request = await app.client.initiateBackchannelAuthentication({
      loginHint: { sub: ALICE },
      bindingMessage: 'Transfer 4711',
      authorizationParams: { audience: 'https://api.example.com', scope: 'read:orders' },
    });
    expect(request).toMatchObject({ authReqId: expect.any(String), interval: 1 });
    const shown = await listBackchannelRequests({ tenantUrl: app.tenant.url, sub: ALICE });
    expect(shown.find((entry) => entry.authReqId === request.authReqId)).toMatchObject({
      bindingMessage: 'Transfer 4711',
    });

    const pending = await app.client
      .backchannelAuthenticationGrant({ authReqId: request.authReqId })
      .catch((error) => error);
    expect(pending).toBeInstanceOf(BackchannelAuthenticationError);
    expect(['authorization_pending', 'slow_down']).toContain(pending.code);

    const [tokens] = await Promise.all([
      app.client.pollBackchannelAuthentication(request),
      onDevice(request.authReqId, approveBackchannel),
    ]);
    expect(tokens.claims).toMatchObject({ sub: ALICE, aud: 'demo-web' });
    expect(tokens.scope).toContain('read:orders');
  });

  it('signs the approving user in with loginBackchannel', async () => {
    const storeOptions = { cookies: new MemoryCookieJar() };
    const login = app.client.loginBackchannel({
      loginHint: { sub: ALICE },
      bindingMessage: 'Sign in at the desk',
      storeOptions,
    });
    const [request] = await listRequestsSoon();
    await approveBackchannel({ tenantUrl: app.tenant.url, authReqId: request!.authReqId });
    const session = await login;
    expect(session.user.sub).toBe(ALICE);
    expect(await app.client.getUser({ storeOptions })).toMatchObject({ sub: ALICE });
  });

  it('ends with access_denied when the user denies', async () => {
    const request = await app.client.initiateBackchannelAuthentication({
      loginHint: { sub: ALICE },
      bindingMessage: 'Deny me',
    });
    const [outcome] = await Promise.all([
      app.client.pollBackchannelAuthentication(request).catch((error) => error),
      onDevice(request.authReqId, denyBackchannel),
    ]);
    expect(outcome).toBeInstanceOf(BackchannelAuthenticationError);
    expect(outcome.code).toBe('access_denied');
  });

  it('ends with expired_token when nobody answers in time', async () => {
    const outcome = await app.client
      .backchannelAuthentication({
        loginHint: { sub: ALICE },
        bindingMessage: 'Nobody home',
        authorizationParams: { requested_expiry: 2 },
      })
      .catch((error) => error);
    expect(outcome).toBeInstanceOf(BackchannelAuthenticationError);
    expect(outcome.code).toBe('expired_token');
  });

  it('slows down when the tenant says so, and still gets the tokens', async () => {
    const request = await app.client.initiateBackchannelAuthentication({
      loginHint: { sub: ALICE },
      bindingMessage: 'Too eager',
    });
    // Polled at once, faster than the tenant's interval: its slow_down carries Retry-After.
    const tooFast = await app.client
      .backchannelAuthenticationGrant({ authReqId: request.authReqId })
      .catch((error) => error);
    expect(tooFast).toMatchObject({ code: 'slow_down', retryAfter: expect.any(Number) });
    const [tokens] = await Promise.all([
      app.client.pollBackchannelAuthentication({ ...request, interval: 0 }),
      onDevice(request.authReqId, approveBackchannel, 100),
    ]);
    expect(tokens.claims?.sub).toBe(ALICE);
  });

  it('stops polling when aborted', async () => {
    const controller = new AbortController();
    const polling = app.client
      .backchannelAuthentication({
        loginHint: { sub: ALICE },
        bindingMessage: 'Never mind',
        signal: controller.signal,
      })
      .catch((error) => error);
    setTimeout(() => controller.abort(new Error('the agent hung up')), 1_500);
    const outcome = await polling;
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as Error).message).toBe('the agent hung up');
  });

  it('refuses bad requests with typed errors', async () => {
    await expect(
      app.client.initiateBackchannelAuthentication({ loginHint: { sub: '' } }),
    ).rejects.toBeInstanceOf(MissingRequiredArgumentError);
    const unknown = await app.client
      .initiateBackchannelAuthentication({
        loginHint: { sub: 'auth0|nobody' },
        bindingMessage: 'Hi',
      })
      .catch((error) => error);
    expect(unknown).toBeInstanceOf(BackchannelAuthenticationError);
    expect(unknown.code).toBe('unknown_user_id');
    const reused = await app.client
      .backchannelAuthenticationGrant({ authReqId: 'not-a-request' })
      .catch((error) => error);
    expect(reused.code).toBe('invalid_grant');
  });
});

/** The requests for Alice, once the login has made its own. */
async function listRequestsSoon() {
  for (let attempt = 0; attempt < 50; attempt++) {
    const pending = await listBackchannelRequests({ tenantUrl: app.tenant.url, sub: ALICE });
    const mine = pending.filter((request) => request.bindingMessage === 'Sign in at the desk');
    if (mine.length > 0) return mine;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the backchannel login never reached the tenant');
}
