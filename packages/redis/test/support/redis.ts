import { randomBytes } from 'node:crypto';
import type { CookieJar, SessionData } from '@gatehouse/core';
import { Redis } from 'ioredis';
import { singleTagKeys } from '../../src/keys.js';
import { RedisSessionBackend } from '../../src/redis-session-backend.js';
import { spreadKeys } from '../../src/spread-keys.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const SECRET = 'a-test-secret-that-is-at-least-32-characters-long';
export const OTHER_SECRET = 'another-secret-that-is-at-least-32-characters';

/** A key prefix of its own for each test file, so parallel and repeated runs never collide. */
export function testPrefix(file: string): string {
  return `gatehouse-test:${file}:${randomBytes(6).toString('hex')}:`;
}

/** A plain client for looking at (and tampering with) what the backend wrote. */
export function rawClient(): Redis {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
}

/** Every key under `prefix`, sorted. */
export async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
  return found.sort();
}

/** Removes every key under `prefix`. */
export async function removeKeys(redis: Redis, prefix: string): Promise<void> {
  const keys = await keysUnder(redis, prefix);
  if (keys.length > 0) await redis.del(...keys);
}

/** Key names as the backend builds them in its default (spread) layout, for raw inspection. */
export const layout = spreadKeys;

/** Key names of the single-tag layout (`keyLayout: 'single-tag'`, and sessions from before it). */
export const singleTagLayout = singleTagKeys;

/** A backend on the test Redis under `prefix`, sealing with {@link SECRET} unless told otherwise. */
export function backendFor(
  prefix: string,
  options: Partial<ConstructorParameters<typeof RedisSessionBackend>[0]> = {},
): RedisSessionBackend {
  return new RedisSessionBackend({ url: REDIS_URL, keyPrefix: prefix, secret: SECRET, ...options });
}

/** A session as core stores it, for user `sub` in tenant session `sid`. */
export function sessionOf(sub: string, sid: string, email = `${sub}@example.com`): SessionData {
  const now = Math.floor(Date.now() / 1000);
  return {
    user: { sub, email, name: `User ${sub}` },
    idToken: `id-token-of-${sub}`,
    refreshToken: `refresh-token-of-${sub}`,
    tokenSets: [
      { audience: 'default', accessToken: `access-token-of-${sub}`, expiresAt: now + 600 },
    ],
    connectionTokenSets: [],
    internal: { sid, createdAt: now, updatedAt: now },
  };
}

/** The cookies of one browser across requests, as a framework's cookie jar would hold them. */
export class MemoryCookieJar implements CookieJar {
  readonly #cookies = new Map<string, string>();
  get(name: string) {
    return this.#cookies.get(name);
  }
  getAll(): ReadonlyMap<string, string> {
    return this.#cookies;
  }
  set(name: string, value: string) {
    this.#cookies.set(name, value);
  }
  delete(name: string) {
    this.#cookies.delete(name);
  }
}
