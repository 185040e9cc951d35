import type { Logger } from '@gatehouse/core';
import { ConfigurationError } from '@gatehouse/core';
import { type Cluster, Redis } from 'ioredis';
import type { RedisSessionBackendOptions } from './options.js';

/** The default `commandTimeout`, in milliseconds. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 2000;

type Client = Redis | Cluster;

/** The ioredis client to use, and whether the backend made it (and so closes it). */
export function resolveClient(
  options: Pick<RedisSessionBackendOptions, 'client' | 'url' | 'redisOptions' | 'commandTimeout'>,
): {
  client: Client;
  owned: boolean;
  commandTimeout: number;
} {
  if (options.client && options.url !== undefined) {
    throw new ConfigurationError('client', 'give either client or url, not both.');
  }
  const commandTimeout =
    options.commandTimeout ?? configuredTimeout(options.client) ?? DEFAULT_COMMAND_TIMEOUT_MS;
  if (!Number.isFinite(commandTimeout) || commandTimeout <= 0) {
    throw new ConfigurationError('commandTimeout', 'must be a positive number of milliseconds.');
  }
  if (options.client) return { client: options.client, owned: false, commandTimeout };
  if (typeof options.url !== 'string' || options.url === '') {
    throw new ConfigurationError('url', 'give a Redis URL, or an ioredis client as `client`.');
  }
  const client = new Redis(options.url, {
    commandTimeout,
    // No command waits in ioredis's queue while Redis is away, and none is sent again after a
    // reconnect: a write the caller was told had failed (and answered 503 for) must not land
    // later over a newer one, such as a session whose refresh token rotated since.
    // `whenConnected` below does the waiting instead, and gives up after `commandTimeout`.
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 1,
    ...options.redisOptions,
  });
  return { client, owned: true, commandTimeout };
}

function configuredTimeout(client: Client | undefined): number | undefined {
  const options = client?.options as
    | { commandTimeout?: number; redisOptions?: { commandTimeout?: number } }
    | undefined;
  return options?.commandTimeout ?? options?.redisOptions?.commandTimeout;
}

/**
 * Resolves once the client can take a command. A client with ioredis's offline queue on queues
 * commands itself, so it is never waited for; one with it off would refuse a command sent while
 * it reconnects, so the command waits here, at most `timeout` ms, and is never sent if the
 * connection does not come back in time.
 */
export function connectionWaiter(client: Client, timeout: number): () => Promise<void> {
  let ready: Promise<void> | undefined;
  return async function whenConnected() {
    if (client.status === 'ready' || client.options.enableOfflineQueue !== false) return;
    if (client.status === 'end') throw new Error('the Redis client was closed');
    // A lazily connecting client connects at its first command; none is sent while waiting.
    if (client.status === 'wait') client.connect().catch(() => {});
    // One listener for every waiting operation, however many there are.
    ready ??= new Promise<void>((resolve) =>
      client.once('ready', () => {
        ready = undefined;
        resolve();
      }),
    );
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        ready,
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(
            () => reject(new Error(`not connected within ${timeout} ms (${client.status})`)),
            timeout,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  };
}

/** One Redis operation: the commands it sends, and what it resolves to. */
export type Operation = <T>(commands: () => Promise<T>) => Promise<T>;

/**
 * How the stores run an operation on `client`: once it is connected (see
 * {@link connectionWaiter}), and failing after `timeout` ms in all. A client made from `url` has
 * ioredis's own `commandTimeout`, which fails any command sent or queued for longer. A client the
 * app made may have a longer one, or none, with ioredis's offline queue on: a Redis that hangs
 * would then hold the request forever, and one that is down would hold it through some twenty
 * reconnection attempts. Its operations get a timer of their own instead. A command given up on
 * this way may still run later (sent from that client's offline queue after a reconnect, or
 * answered by a Redis that hung), which is why the README asks for `enableOfflineQueue: false` on
 * an app's client.
 */
export function operationRunner(client: Client, timeout: number): Operation {
  const whenConnected = connectionWaiter(client, timeout);
  const own = configuredTimeout(client);
  if (own !== undefined && own <= timeout) {
    return async (commands) => {
      await whenConnected();
      return commands();
    };
  }
  return async (commands) => {
    let timer: NodeJS.Timeout | undefined;
    let gaveUp = false;
    try {
      return await Promise.race([
        whenConnected().then(() => {
          // Reported as failed already: nothing is sent once the connection comes back.
          if (gaveUp) throw new Error('given up before the connection was ready');
          return commands();
        }),
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => {
            gaveUp = true;
            reject(new Error(`Redis did not answer within ${timeout} ms`));
          }, timeout);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  };
}

/**
 * Where an outage is reported when the app configured no `logger`: warnings and notices on the
 * console. An unreachable session store must never go unseen by the operator (the user only sees
 * 503 `session_store_unavailable`); debug lines stay silent.
 */
export const consoleLogger: Logger = {
  debug() {},
  info: (object, message) => console.info(`${message ?? ''} ${JSON.stringify(object)}`.trim()),
  warn: (object, message) => console.warn(`${message ?? ''} ${JSON.stringify(object)}`.trim()),
  error: (object, message) => console.error(`${message ?? ''} ${JSON.stringify(object)}`.trim()),
};

/**
 * Reports that Redis became unreachable once per outage (at warn), and that it is back (at info),
 * however many requests fail meanwhile and however often ioredis retries. It learns of an outage
 * from failed operations (any client) and, for a client the store made, from the client's own
 * `error`/`ready` events; listeners are never added to a client the app owns, whose error
 * handling is the app's.
 */
export class OutageLog {
  #down = false;

  constructor(private readonly logger: Logger = consoleLogger) {}

  /** Listens to a client the store made. */
  watch(client: Client): this {
    client.on('error', (error: Error) => this.down(error));
    client.on('ready', () => this.up());
    return this;
  }

  /**
   * `operation`, reporting its failures as an outage and its successes as the end of one. An
   * error reply from Redis (WRONGTYPE, ...) is an answer, so it counts as reachable.
   */
  track(operation: Operation): Operation {
    return async (commands) => {
      try {
        const result = await operation(commands);
        this.up();
        return result;
      } catch (error) {
        if ((error as Error | null)?.name === 'ReplyError') this.up();
        else this.down(error);
        throw error;
      }
    };
  }

  down(cause: unknown): void {
    if (this.#down) return;
    this.#down = true;
    const err = cause instanceof Error ? cause.message : String(cause);
    this.logger.warn({ err }, 'gatehouse: Redis session store unreachable');
  }

  up(): void {
    if (!this.#down) return;
    this.#down = false;
    this.logger.info({}, 'gatehouse: Redis session store reachable again');
  }
}
