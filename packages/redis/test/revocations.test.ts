import { BrowserClient, endUserSessions, loginAs } from '@gatehouse/dev-tenant/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisLogoutRevocations, SessionStoreUnavailableError } from '../src/index.js';
import { CLOSED_PORT_URL } from './support/faults.js';
import { type Deployment, startDeployment } from './support/instances.js';
import { keysUnder, REDIS_URL, rawClient, removeKeys, testPrefix } from './support/redis.js';

const prefix = testPrefix('revocations');
let redis: Redis;
let revocations: RedisLogoutRevocations;
beforeAll(() => {
  redis = rawClient();
  revocations = new RedisLogoutRevocations({ url: REDIS_URL, keyPrefix: prefix });
});
afterAll(async () => {
  await removeKeys(redis, prefix);
  await revocations.close();
  redis.disconnect();
});

const now = () => Math.floor(Date.now() / 1000);

describe('RedisLogoutRevocations', () => {
  it('revokes the sessions of a tenant session that began before the logout', async () => {
    await revocations.revoke({ sub: 'auth0|a', sid: 'sid-1' }, now(), 600);
    expect(
      await revocations.isRevoked({ sub: 'auth0|a', sid: 'sid-1', createdAt: now() - 10 }),
    ).toBe(true);
    expect(
      await revocations.isRevoked({ sub: 'auth0|a', sid: 'sid-1', createdAt: now() + 10 }),
    ).toBe(false);
    expect(
      await revocations.isRevoked({ sub: 'auth0|a', sid: 'sid-2', createdAt: now() - 10 }),
    ).toBe(false);
  });

  it('revokes every session of a user when the logout names only the sub', async () => {
    await revocations.revoke({ sub: 'auth0|b' }, now(), 600);
    expect(await revocations.isRevoked({ sub: 'auth0|b', sid: 'any', createdAt: now() - 1 })).toBe(
      true,
    );
    expect(await revocations.isRevoked({ sub: 'auth0|c', sid: 'any', createdAt: now() - 1 })).toBe(
      false,
    );
  });

  it('keeps each logout only as long as a session can live, under hashed key names', async () => {
    await revocations.revoke({ sid: 'sid-ttl' }, now(), 120);
    const keys = await keysUnder(redis, prefix);
    expect(keys.join(' ')).not.toContain('sid-ttl');
    const ttls = await Promise.all(keys.map((key) => redis.ttl(key)));
    for (const ttl of ttls) expect(ttl).toBeGreaterThan(0);
    expect(Math.min(...ttls)).toBeLessThanOrEqual(120);
  });

  it('fails with SessionStoreUnavailableError when Redis is away, never "not revoked"', async () => {
    // Fault injection: nothing listens on this port.
    const away = new RedisLogoutRevocations({
      url: CLOSED_PORT_URL,
      keyPrefix: prefix,
      commandTimeout: 300,
    });
    try {
      await expect(away.isRevoked({ sub: 'x', sid: 'y', createdAt: 0 })).rejects.toBeInstanceOf(
        SessionStoreUnavailableError,
      );
    } finally {
      await away.close();
    }
  });
});

describe('back-channel logout with stateless cookie sessions on two instances', () => {
  let deployment: Deployment;
  const shared = testPrefix('revocations-e2e');
  beforeAll(async () => {
    deployment = await startDeployment(shared, { sessions: 'cookies' });
  });
  afterAll(async () => {
    await deployment.close();
    await removeKeys(redis, shared);
  });

  it('ends the session on every instance', async () => {
    const [a, b] = deployment.instances as [Deployment['instances'][0], Deployment['instances'][0]];
    const browser = new BrowserClient();
    await loginAs(browser, {
      startUrl: `${a.url}/auth/login`,
      email: 'alice@example.com',
      password: 'alice-password',
    });
    expect(JSON.parse((await browser.navigate(`${b.url}/me`)).body).user.sub).toBe('auth0|alice');

    expect(await endUserSessions(deployment.tenant.url, 'auth0|alice')).toMatchObject({
      notified: 1,
    });
    expect(JSON.parse((await browser.navigate(`${b.url}/me`)).body).user).toBeNull();
    expect(JSON.parse((await browser.navigate(`${a.url}/me`)).body).user).toBeNull();
  });
});
