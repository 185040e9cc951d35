import type { Logger } from '@gatehouse/core';
import type { Cluster, Redis, RedisOptions } from 'ioredis';
import { type Operation, OutageLog, operationRunner, resolveClient } from './connection.js';
import { SessionStoreUnavailableError } from './errors.js';

/** How a Redis-backed store gets its connection. Give either `client` or `url`. */
export interface RedisConnectionOptions {
  /** An ioredis client the app owns (see `RedisSessionBackendOptions.client`); never closed here. */
  client?: Redis | Cluster;
  /** A Redis URL; the store makes and owns its client. */
  url?: string;
  /** With `url`: more ioredis options. */
  redisOptions?: RedisOptions;
  /** How long one Redis operation may take, in milliseconds. Default 2000. */
  commandTimeout?: number;
  /**
   * Where to log that Redis became unreachable (warn, once per outage) or reachable again (info).
   * Default: the console.
   */
  logger?: Logger;
}

/**
 * The connection of one of the small Redis stores (revocations, used logout tokens): commands
 * wait for a reconnect at most `commandTimeout`, and any failure is a
 * {@link SessionStoreUnavailableError} (503), never an answer made up in its place.
 */
export class RedisConnection {
  readonly client: Redis | Cluster;
  readonly #owns: boolean;
  readonly #operation: Operation;

  constructor(options: RedisConnectionOptions) {
    const { client, owned, commandTimeout } = resolveClient(options);
    this.client = client;
    this.#owns = owned;
    const outages = new OutageLog(options.logger);
    if (owned) outages.watch(client);
    this.#operation = outages.track(operationRunner(client, commandTimeout));
  }

  /** Runs one operation (see `operationRunner`); `operation` names it in errors. */
  async run<T>(operation: string, command: (client: Redis | Cluster) => Promise<T>): Promise<T> {
    try {
      return await this.#operation(() => command(this.client));
    } catch (error) {
      throw new SessionStoreUnavailableError(operation, { cause: error });
    }
  }

  /** Closes the client if it was made from `url`. */
  async close(): Promise<void> {
    if (this.#owns) await this.client.quit().catch(() => this.client.disconnect());
  }
}
