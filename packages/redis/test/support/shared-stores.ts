import type { SharedStores } from '@gatehouse/web-test-kit/scenarios/shared-sessions';
import {
  RedisLogoutRevocations,
  RedisLogoutTokenReplayStore,
  RedisSessionBackend,
} from '../../src/index.js';
import { startRedisProxy } from './faults.js';
import { REDIS_URL, rawClient, removeKeys, SECRET, testPrefix } from './redis.js';

/**
 * The Redis stores of the framework packages' two-instance scenarios, reached through a TCP proxy
 * the scenario can cut (fault injection) to play a Redis outage, keys under a prefix of their own.
 */
export async function redisSharedStores(name: string): Promise<SharedStores> {
  const proxy = await startRedisProxy(REDIS_URL);
  const keyPrefix = testPrefix(name);
  // A second: an outage is still told apart quickly, and a busy machine (the suite runs beside
  // other suites) does not pass for an outage, as 300 ms sometimes did.
  const connection = { url: proxy.url, keyPrefix, commandTimeout: 1000 };
  const made: Array<{ close(): Promise<void> }> = [];
  const track = <T extends { close(): Promise<void> }>(store: T): T => {
    made.push(store);
    return store;
  };
  return {
    sessions: () => track(new RedisSessionBackend({ ...connection, secret: SECRET })),
    revocations: () => track(new RedisLogoutRevocations(connection)),
    logoutTokens: () => track(new RedisLogoutTokenReplayStore(connection)),
    cut: () => proxy.cut(),
    restore: () => proxy.restore(),
    async close() {
      await Promise.all(made.map((store) => store.close()));
      await proxy.close();
      const redis = rawClient();
      await removeKeys(redis, keyPrefix);
      redis.disconnect();
    },
  };
}
