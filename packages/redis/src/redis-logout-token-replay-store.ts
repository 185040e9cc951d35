import { createHash } from 'node:crypto';
import { ConfigurationError, type ReplayStore } from '@gatehouse/core';
import type { SessionStoreUnavailableError } from './errors.js';
import { DEFAULT_KEY_PREFIX, isValidKeyPrefix } from './keys.js';
import { RedisConnection, type RedisConnectionOptions } from './redis-connection.js';

/** Options of `new RedisLogoutTokenReplayStore(options)`. Give either `client` or `url`. */
export interface RedisLogoutTokenReplayStoreOptions extends RedisConnectionOptions {
  /** Put in front of every key. Default `gatehouse:`. */
  keyPrefix?: string;
}

/**
 * Used back-channel logout tokens remembered in Redis, so that a token is accepted once across
 * every machine of the app: give it to the `ServerClient` (or `auth()` / the Fastify plugin) as
 * `logoutTokenReplayStore`. Each `jti` is one `SET NX` key that expires when the token would be
 * too old anyway. An outage is a {@link SessionStoreUnavailableError} (503): the logout is refused
 * rather than accepted unchecked.
 *
 * @example
 * const logoutTokenReplayStore = new RedisLogoutTokenReplayStore({ url: process.env.REDIS_URL! });
 * app.use(auth({ session: { store: { backend } }, logoutTokenReplayStore }));
 */
export class RedisLogoutTokenReplayStore implements ReplayStore {
  readonly #redis: RedisConnection;
  readonly #root: string;

  constructor(options: RedisLogoutTokenReplayStoreOptions) {
    const prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    if (!isValidKeyPrefix(prefix)) {
      throw new ConfigurationError('keyPrefix', 'must be a non-empty string without `{` or `}`.');
    }
    this.#redis = new RedisConnection(options);
    this.#root = `${prefix}logout-jti:`;
  }

  /** Records `jti` until `expiresAt` (milliseconds since the epoch); false if already recorded. */
  async markUsed(jti: string, expiresAt: number): Promise<boolean> {
    const key = this.#key(jti);
    const milliseconds = Math.max(1, Math.ceil(expiresAt - Date.now()));
    const set = await this.#redis.run('rememberLogoutToken', (client) =>
      client.set(key, '1', 'PX', milliseconds, 'NX'),
    );
    return set === 'OK';
  }

  async forget(jti: string): Promise<void> {
    await this.#redis.run('forgetLogoutToken', (client) => client.del(this.#key(jti)));
  }

  #key(jti: string): string {
    return `${this.#root}${createHash('sha256').update(jti).digest('base64url')}`;
  }

  /** Closes the client if the store made it from `url`. */
  close(): Promise<void> {
    return this.#redis.close();
  }
}
