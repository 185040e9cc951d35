import type { Logger } from '@gatehouse/core';
import type { Cluster, Redis, RedisOptions } from 'ioredis';

/** Options of `new RedisSessionBackend(options)`. Give either `client` or `url`. */
export interface RedisSessionBackendOptions {
  /**
   * An ioredis `Redis` or `Cluster` the app made and owns: the backend never closes it. Every
   * operation on it fails after `commandTimeout` whatever the client's own options, so a Redis that
   * stops answering gives 503s, never requests held open. Still give it
   * `enableOfflineQueue: false` and `autoResendUnfulfilledCommands: false`, as the backend does for
   * a client it makes (see `url`): with ioredis's defaults, a write the backend gave up on (and the
   * app answered 503 for) may still be sent after a reconnect. Its own `keyPrefix`, if any, goes
   * in front of `keyPrefix` below.
   */
  client?: Redis | Cluster;
  /**
   * A Redis URL (`redis://`, `rediss://` for TLS, with user, password and database as usual). The
   * backend makes the client, owns it, and closes it in `close()`. That client keeps no offline
   * queue and resends nothing after a reconnect: an operation made while Redis is away waits for
   * the connection at most `commandTimeout`, then fails without ever being sent, so a write that
   * was reported as failed never lands later over a newer one.
   */
  url?: string;
  /**
   * With `url`: more ioredis options for the client the backend makes (TLS, `connectTimeout`,
   * `retryStrategy`, ...). They override the backend's choices above; leave the offline queue off.
   */
  redisOptions?: RedisOptions;
  /**
   * How long one Redis operation may take, waiting for a connection included, before it fails
   * with `SessionStoreUnavailableError`, in milliseconds. With `url` it is ioredis's
   * `commandTimeout`; with `client` it defaults to the client's own, and the backend enforces it
   * with a timer of its own when the client has none, or a longer one. Default 2000.
   */
  commandTimeout?: number;
  /**
   * Where sessions live in Redis. `'spread'` (the default): each session in a hash slot of its
   * own and each user's and tenant session's index in another, so that on Redis Cluster sessions,
   * and their reads, spread over every primary; indexes are kept exact by ordered steps (a write
   * costs two round trips, a read one). `'single-tag'`: every key under one hash tag, each write
   * one atomic script, all of an app's sessions on one shard (the only layout before; choose it to
   * keep running exactly as before). See the README's *Key layouts*.
   */
  keyLayout?: 'spread' | 'single-tag';
  /**
   * With `keyLayout: 'spread'`: also read, update in place and log out the sessions stored in the
   * `single-tag` layout, so that upgrading logs no one out. Costs one more round trip when a
   * session is not found, one per write, and one per logout; turn it off once the sessions written
   * before the upgrade have all expired (the session's absolute lifetime after the upgrade).
   * Default true.
   */
  readSingleTag?: boolean;
  /**
   * Put in front of every key. No braces: the backend adds its own hash tags after it (see the
   * README's *Key layouts*). Different apps sharing one Redis use different prefixes.
   * Default `gatehouse:`.
   */
  keyPrefix?: string;
  /**
   * The app secret, at least 32 characters, used to seal (encrypt and authenticate) sessions at
   * rest; pass the same `secret` as the `ServerClient`. An array rotates secrets: the first seals,
   * every one unseals. Required unless `sealAtRest` is false.
   */
  secret?: string | string[];
  /**
   * Seal sessions at rest. Default true. `false` stores plain JSON that anyone who can read Redis
   * (a backup, a replica, a monitoring tool) can read, tokens included: not recommended.
   */
  sealAtRest?: boolean;
  /**
   * Where to log: Redis unreachable (warn, once per outage, whether the client is ours or the
   * app's) and reachable again (info); unreadable data treated as absent (debug). Default: the
   * console for warn and info, debug silent. Give the same logger as the `ServerClient`'s.
   */
  logger?: Logger;
}
