import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CLIENTS, type DevTenant, startDevTenant } from '../src/index.js';
import { authorize, logoutTokens, startReceiver } from './helpers.js';

/** A stand-in relying party that records the logout tokens POSTed to it. */
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let tenant: DevTenant;
beforeAll(async () => {
  receiver = await startReceiver();
  tenant = await startDevTenant({
    config: { clients: [{ ...DEFAULT_CLIENTS[0]!, backchannelLogoutUri: receiver.url }] },
  });
});
afterAll(async () => {
  await receiver.close();
  await tenant.close();
});

async function expectLogoutToken(sub: string) {
  const token = logoutTokens(receiver.bodies.splice(-1))[0] ?? '';
  expect(decodeProtectedHeader(token).typ).toBe('logout+jwt');
  const { payload } = await jwtVerify(
    token,
    createRemoteJWKSet(new URL(`${tenant.url}/.well-known/jwks.json`)),
    {
      issuer: tenant.issuer,
      audience: 'demo-web',
    },
  );
  expect(payload).toMatchObject({
    sub,
    sid: expect.any(String),
    jti: expect.any(String),
    events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
  });
  expect(payload).not.toHaveProperty('nonce');
}

describe('back-channel logout', () => {
  it('is sent when the user logs out at the tenant', async () => {
    const { browser } = await authorize(tenant);
    await browser.navigate(`${tenant.url}/v2/logout`);
    await expectLogoutToken('auth0|alice');
  });

  it('is sent for every session of a user through the test admin endpoint', async () => {
    await authorize(tenant);
    await authorize(tenant);
    const response = await fetch(
      `${tenant.url}/test/users/${encodeURIComponent('auth0|alice')}/logout`,
      { method: 'POST' },
    );
    expect(await response.json()).toEqual({ sessions: 2, notified: 2 });
    await expectLogoutToken('auth0|alice');
    await expectLogoutToken('auth0|alice');
    const again = await fetch(
      `${tenant.url}/test/users/${encodeURIComponent('auth0|alice')}/logout`,
      { method: 'POST' },
    );
    expect(await again.json()).toEqual({ sessions: 0, notified: 0 });
  });
});
