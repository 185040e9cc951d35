import { ServerStateStore } from '@gatehouse/core';
import { describeLogoutRules } from '../../core/test/support/logout-rules.js';
import { RedisLogoutRevocations, RedisSessionBackend } from '../src/index.js';
import { REDIS_URL, rawClient, removeKeys, SECRET, testPrefix } from './support/redis.js';

/** The rules of `@gatehouse/core`'s memory stores, held by the Redis ones (issue 18, items 5 and 8). */
const withPrefix = <T extends { close(): Promise<void> }>(make: (keyPrefix: string) => T) => {
  const keyPrefix = testPrefix('logout-rules');
  const store = make(keyPrefix);
  return {
    store,
    async close() {
      await store.close();
      const redis = rawClient();
      await removeKeys(redis, keyPrefix);
      redis.disconnect();
    },
  };
};

describeLogoutRules({
  'cookie sessions with the Redis revocation list': () => {
    const { store, close } = withPrefix(
      (keyPrefix) => new RedisLogoutRevocations({ url: REDIS_URL, keyPrefix }),
    );
    return { logoutRevocations: store, close };
  },
  'server sessions in Redis': () => {
    const { store, close } = withPrefix(
      (keyPrefix) => new RedisSessionBackend({ url: REDIS_URL, keyPrefix, secret: SECRET }),
    );
    return {
      stateStore: new ServerStateStore({ secrets: [SECRET], secure: false, backend: store }),
      close,
    };
  },
});
