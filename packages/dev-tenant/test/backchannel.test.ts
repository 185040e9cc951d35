import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CLIENTS, type DevTenant, startDevTenant } from '../src/index.js';
import { authorize } from './helpers.js';

/** A stand-in relying party that records the logout tokens POSTed to it. */
const received: string[] = [];
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => {
    body += chunk;
  });
  req.on('end', () => {
    received.push(new URLSearchParams(body).get('logout_token') ?? '');
    res.end();
  });
});

let tenant: DevTenant;
beforeAll(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const port = (receiver.address() as AddressInfo).port;
  tenant = await startDevTenant({
    config: {
      clients: [
        { ...DEFAULT_CLIENTS[0]!, backchannelLogoutUri: `http://127.0.0.1:${port}/logout` },
      ],
    },
  });
});
afterAll(async () => {
  receiver.close();
  await tenant.close();
});

async function expectLogoutToken(sub: string) {
  const token = received.pop() ?? '';
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
