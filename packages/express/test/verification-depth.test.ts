/**
 * How deep a verification runs: between Express's `requireAccessToken()` and `crypto.verify`, at
 * most five Gatehouse frames (the middleware, the guard, the driver, the pipeline, the signature
 * check), so that a stack trace from a failed verification reads as what happened and each
 * request pays for no more calls than it needs.
 */
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import type { AddressInfo } from 'node:net';
import { DEFAULT_CLIENTS, type DevTenant, startDevTenant } from '@gatehouse/dev-tenant';
import { machineToken } from '@gatehouse/dev-tenant/testing';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireAccessToken } from '../src/index.js';

const AUDIENCE = 'https://api.example.com';
/** A frame in one of the packages' own code (sources or builds), not in a dependency or a test. */
const GATEHOUSE_FRAME = /\/packages\/(base|core|api|express|fastify)\/(src|dist)\//;

describe('a verification through requireAccessToken()', () => {
  let tenant: DevTenant;
  let server: ReturnType<ReturnType<typeof express>['listen']>;
  let url: string;
  let token: string;

  beforeAll(async () => {
    tenant = await startDevTenant();
    const client = DEFAULT_CLIENTS[0]!;
    ({ accessToken: token } = await machineToken({
      tenantUrl: tenant.url,
      clientId: client.clientId,
      clientSecret: client.clientSecret!,
      audience: AUDIENCE,
    }));
    const app = express();
    app.get(
      '/orders',
      requireAccessToken({ domain: tenant.domain, audience: AUDIENCE }),
      (_req, res) => res.json({ ok: true }),
    );
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/orders`;
  });
  afterAll(async () => {
    server?.close();
    await tenant?.close();
  });

  const call = () => fetch(url, { headers: { authorization: `Bearer ${token}` } });

  it('has at most five Gatehouse frames above crypto.verify', async () => {
    expect((await call()).status).toBe(200); // keys fetched: the next request waits on nothing
    const original = crypto.verify;
    const stacks: string[] = [];
    const limit = Error.stackTraceLimit;
    // Fault injection: a spy in place of node:crypto's verify, for one request.
    crypto.verify = ((...args: Parameters<typeof crypto.verify>) => {
      Error.stackTraceLimit = 100;
      stacks.push(new Error('inside crypto.verify').stack ?? '');
      Error.stackTraceLimit = limit;
      return original(...args);
    }) as typeof crypto.verify;
    syncBuiltinESMExports();
    try {
      expect((await call()).status).toBe(200);
    } finally {
      crypto.verify = original;
      syncBuiltinESMExports();
    }
    expect(stacks).toHaveLength(1);
    const frames = (stacks[0] as string).split('\n').filter((line) => GATEHOUSE_FRAME.test(line));
    expect(frames.length, frames.join('\n')).toBeGreaterThan(0);
    expect(frames.length, frames.join('\n')).toBeLessThanOrEqual(5);
  });
});
