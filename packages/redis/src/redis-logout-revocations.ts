import { createHash } from 'node:crypto';
import { ConfigurationError, type LogoutRevocations, type LogoutSelector } from '@gatehouse/core';
import type { SessionStoreUnavailableError } from './errors.js';
import { DEFAULT_KEY_PREFIX, isValidKeyPrefix } from './keys.js';
import { RedisConnection, type RedisConnectionOptions } from './redis-connection.js';

/** Options of `new RedisLogoutRevocations(options)`. Give either `client` or `url`. */
export interface RedisLogoutRevocationsOptions extends RedisConnectionOptions {
  /** Put in front of every key. Default `gatehouse:`. */
  keyPrefix?: string;
}

const digest = (value: string) => createHash('sha256').update(value).digest('base64url');

/**
 * Back-channel logouts remembered in Redis, so that stateless cookie sessions honour them on every
 * machine: give it to the `ServerClient` as `logoutRevocations`. Each logout is one key holding its
 * time in milliseconds (and, for a logout naming both, a digest of its `sub`), expiring with the
 * longest a session can live; a session read checks its `sid` and `sub` in
 * one `MGET`. An outage is a {@link SessionStoreUnavailableError} (503), never "not revoked".
 *
 * @example
 * const revocations = new RedisLogoutRevocations({ url: process.env.REDIS_URL! });
 * const client = new ServerClient({ ...options, logoutRevocations: revocations });
 */
export class RedisLogoutRevocations implements LogoutRevocations {
  readonly #redis: RedisConnection;
  readonly #root: string;

  constructor(options: RedisLogoutRevocationsOptions) {
    const prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    if (!isValidKeyPrefix(prefix)) {
      throw new ConfigurationError('keyPrefix', 'must be a non-empty string without `{` or `}`.');
    }
    this.#redis = new RedisConnection(options);
    // One hash tag for both keys a read asks for, so the MGET works on Redis Cluster too.
    this.#root = `${prefix}{${prefix.replace(/:+$/, '') || prefix}-revoked}:`;
  }

  async revoke({ sub, sid }: LogoutSelector, at: number, ttlSeconds: number): Promise<void> {
    // A logout naming a sid ends that tenant session, and only its sub's when it names one
    // (OpenID Connect Back-Channel Logout 1.0 §2.4); a sub alone ends every session of the user.
    const key =
      sid !== undefined
        ? this.#key('sid', sid)
        : sub !== undefined
          ? this.#key('sub', sub)
          : undefined;
    if (!key) return;
    // The time keeps its milliseconds, so a login in the same second after the logout survives.
    const value = sid !== undefined && sub !== undefined ? `${at} ${digest(sub)}` : String(at);
    await this.#redis.run('revoke', (client) =>
      client.set(key, value, 'EX', Math.max(1, Math.ceil(ttlSeconds))),
    );
  }

  async isRevoked({
    sub,
    sid,
    createdAt,
  }: {
    sub: string;
    sid: string;
    createdAt: number;
  }): Promise<boolean> {
    const entries = await this.#redis.run('isRevoked', (client) =>
      client.mget(this.#key('sid', sid), this.#key('sub', sub)),
    );
    return entries.some((entry) => {
      if (entry === null) return false;
      // `<at>` or `<at> <digest of sub>` (earlier versions wrote whole seconds: still read).
      const [at, subDigest] = entry.split(' ');
      return Number(at) >= createdAt && (subDigest === undefined || subDigest === digest(sub));
    });
  }

  /** Closes the client if the revocation list made it from `url`. */
  close(): Promise<void> {
    return this.#redis.close();
  }

  #key(kind: 'sid' | 'sub', value: string): string {
    return `${this.#root}${kind}:${digest(value)}`;
  }
}
