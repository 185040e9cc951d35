import { once } from 'node:events';
import type { Logger } from '@gatehouse/core';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RedisSessionBackend } from '../src/index.js';
import { CLOSED_PORT_URL, startRedisProxy } from './support/faults.js';
import { backendFor, REDIS_URL, SECRET, testPrefix } from './support/redis.js';

// An operator must learn that Redis is unreachable (users only see 503s): once per outage,
// through the configured logger (the console without one), not once per request.

const prefix = testPrefix('outage-log');

/** A logger that records what it is given. */
function recordingLogger() {
  const lines: Array<{ level: string; message?: string; object: object }> = [];
  const record = (level: string) => (object: object, message?: string) => {
    lines.push({ level, message, object });
  };
  const logger: Logger = {
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
  };
  const said = (text: string) => lines.filter((line) => line.message?.includes(text));
  return { logger, lines, said };
}

const closing: Array<() => unknown> = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
  vi.restoreAllMocks();
});

/** Fails `count` requests' worth of operations, each with its 503. */
async function failRequests(backend: RedisSessionBackend, count: number) {
  for (let request = 0; request < count; request++) {
    await expect(backend.get(`session-${request}`)).rejects.toMatchObject({ statusCode: 503 });
  }
}

describe('logging a Redis outage', () => {
  it('warns once per outage with a client made from url, however many requests fail', async () => {
    const { logger, said } = recordingLogger();
    const backend = backendFor(prefix, {
      url: CLOSED_PORT_URL,
      commandTimeout: 100,
      redisOptions: { maxRetriesPerRequest: 0 },
      logger,
    });
    closing.push(() => backend.close());
    await failRequests(backend, 5);
    expect(said('Redis session store unreachable')).toHaveLength(1);
  });

  it('warns once for a client the app owns too, and says when Redis is back', async () => {
    const proxy = await startRedisProxy(REDIS_URL);
    closing.push(() => proxy.close());
    const client = new Redis(proxy.url, {
      commandTimeout: 200,
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => 50,
    });
    client.on('error', () => {});
    closing.push(() => client.disconnect());
    const { logger, said } = recordingLogger();
    const backend = new RedisSessionBackend({ client, secret: SECRET, keyPrefix: prefix, logger });
    // Connected first: under load (CI runs every package at once) a new client can take longer
    // than its 200 ms command timeout to connect, which is not the outage this test is about.
    if (client.status !== 'ready') await once(client, 'ready');
    await backend.get('before');

    await proxy.cut();
    await failRequests(backend, 4);
    expect(said('Redis session store unreachable')).toHaveLength(1);

    await proxy.restore();
    for (let attempt = 0; attempt < 100; attempt++) {
      if (
        await backend.get('after').then(
          () => true,
          () => false,
        )
      )
        break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(said('Redis session store reachable again')).toHaveLength(1);
    expect(said('Redis session store unreachable')).toHaveLength(1);
  });

  it('warns on the console when no logger is configured', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const backend = backendFor(prefix, {
      url: CLOSED_PORT_URL,
      commandTimeout: 100,
      redisOptions: { maxRetriesPerRequest: 0 },
    });
    closing.push(() => backend.close());
    await failRequests(backend, 3);
    const lines = warn.mock.calls.filter(([line]) => String(line).includes('unreachable'));
    expect(lines).toHaveLength(1);
  });
});
