import {
  ConfigurationError,
  type Logger,
  type LogoutSelector,
  type SessionBackend,
  type SessionData,
} from '@gatehouse/core';
import type { Cluster, Redis } from 'ioredis';
import { hasSessionShape, plainCodec, type SessionCodec, sealedCodec } from './codec.js';
import { type Operation, OutageLog, operationRunner, resolveClient } from './connection.js';
import { SessionStoreUnavailableError } from './errors.js';
import { DEFAULT_KEY_PREFIX, isValidKeyPrefix, type KeyLayout, keyLayout } from './keys.js';
import type { RedisSessionBackendOptions } from './options.js';
import { scripts } from './scripts.js';

const MIN_SECRET_LENGTH = 32;

function resolveSecrets(secret: RedisSessionBackendOptions['secret']): string[] {
  const secrets = typeof secret === 'string' ? [secret] : (secret ?? []);
  if (secrets.length === 0) {
    throw new ConfigurationError(
      'secret',
      'is required to seal sessions at rest: pass the app secret (the same as the ServerClient).',
    );
  }
  if (secrets.some((value) => typeof value !== 'string' || value.length < MIN_SECRET_LENGTH)) {
    throw new ConfigurationError(
      'secret',
      `must be at least ${MIN_SECRET_LENGTH} characters (generate one with \`openssl rand -hex 32\`).`,
    );
  }
  return secrets;
}

const isWrongType = (error: unknown) =>
  error instanceof Error && error.message.startsWith('WRONGTYPE');

/**
 * Sessions on Redis, for apps on several machines: the {@link SessionBackend} behind core's
 * `ServerStateStore`. Sessions are sealed at rest with the app secret, expire with the TTL they are
 * written with, and are indexed by user (`sub`) and tenant session (`sid`) so a back-channel logout
 * ends exactly the sessions it names, on every machine at once. A Redis outage is a
 * {@link SessionStoreUnavailableError} (503), never "no session".
 *
 * @example
 * ```ts
 * import { ServerClient, ServerStateStore } from '@gatehouse/core';
 * import { RedisSessionBackend } from '@gatehouse/redis';
 *
 * const secret = process.env.AUTH0_SECRET!;
 * const backend = new RedisSessionBackend({ url: process.env.REDIS_URL!, secret });
 * const client = new ServerClient({
 *   domain, clientId, clientSecret, secret,
 *   stateStore: new ServerStateStore({ secrets: [secret], secure: true, backend }),
 * });
 * ```
 */
export class RedisSessionBackend implements SessionBackend {
  readonly #client: Redis | Cluster;
  readonly #ownsClient: boolean;
  readonly #keys: KeyLayout;
  readonly #codec: SessionCodec;
  readonly #logger: Logger | undefined;
  readonly #operation: Operation;

  constructor(options: RedisSessionBackendOptions) {
    const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    if (!isValidKeyPrefix(keyPrefix)) {
      throw new ConfigurationError(
        'keyPrefix',
        'must be a non-empty string without `{` or `}` (the backend adds its own hash tag).',
      );
    }
    this.#codec =
      options.sealAtRest === false ? plainCodec() : sealedCodec(resolveSecrets(options.secret));
    const { client, owned, commandTimeout } = resolveClient(options);
    this.#client = client;
    this.#ownsClient = owned;
    const outages = new OutageLog(options.logger);
    if (owned) outages.watch(client);
    this.#operation = outages.track(operationRunner(client, commandTimeout));
    const clientPrefix = (this.#client.options as { keyPrefix?: unknown }).keyPrefix;
    this.#keys = keyLayout(keyPrefix, typeof clientPrefix === 'string' ? clientPrefix : '');
    this.#logger = options.logger;
  }

  /** The session stored under `id`; undefined when there is none or it is unreadable. */
  async get(id: string): Promise<SessionData | undefined> {
    let stored: string | null;
    try {
      stored = await this.#operation(() => this.#client.hget(this.#keys.session(id), 'd'));
    } catch (error) {
      // A key of another type under our name is foreign data, not an outage.
      if (isWrongType(error)) return this.#unreadable('not a session hash');
      throw new SessionStoreUnavailableError('get', { cause: error });
    }
    if (stored === null) return undefined;
    const session = await this.#codec.decode(id, stored);
    // Unreadable values are left alone, not deleted: another app machine configured with a secret
    // this one lacks may still read them, and their TTL removes them anyway.
    return session ?? this.#unreadable('not sealed for this id with these secrets, or malformed');
  }

  /**
   * Stores `data` under `id` for `ttlSeconds` and lists it in its user's and tenant session's
   * indexes, in one atomic step. A write to a session deleted earlier (by `delete` or
   * `deleteByLogout`) during its lifetime is dropped: a request that was in flight when the user
   * logged out must not bring the session back.
   */
  async set(id: string, data: SessionData, ttlSeconds: number): Promise<void> {
    if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
      throw new RangeError(`ttlSeconds must be a positive number, got ${ttlSeconds}.`);
    }
    if (!hasSessionShape(data)) {
      throw new TypeError('set() needs a session with user.sub and internal.sid.');
    }
    const ttlMs = Math.ceil(ttlSeconds * 1000);
    const stored = await this.#codec.encode(id, data, Date.now() / 1000 + ttlSeconds);
    const keys = this.#keys;
    const written = await this.#run('set', () =>
      scripts.set.run(
        this.#client,
        [
          keys.session(id),
          keys.tombstone(id),
          keys.subIndex(data.user.sub),
          keys.sidIndex(data.internal.sid),
        ],
        [stored, ttlMs, id, keys.sessionBase],
      ),
    );
    if (written === 0) this.#logger?.debug({}, 'gatehouse: write to a deleted session dropped');
  }

  /** Deletes the session `id` and its index entries. */
  async delete(id: string): Promise<void> {
    await this.#run('delete', () =>
      scripts.delete.run(this.#client, [this.#keys.session(id), this.#keys.tombstone(id)], [id]),
    );
  }

  /**
   * Deletes the sessions a back-channel logout names: every session of `sub`, every session of the
   * tenant session `sid`, or, when both are given, the sessions matching both. Returns how many.
   * Runs in one atomic step and costs one round trip, whatever the number of sessions.
   */
  async deleteByLogout({ sub, sid }: LogoutSelector): Promise<number> {
    // Each index set given, with the session field that names it.
    const indexes: [key: string, field: 'u' | 'i'][] = [];
    if (sub !== undefined) indexes.push([this.#keys.subIndex(sub), 'u']);
    if (sid !== undefined) indexes.push([this.#keys.sidIndex(sid), 'i']);
    if (indexes.length === 0) return 0;
    const deleted = await this.#run('deleteByLogout', () =>
      scripts.deleteByLogout.run(
        this.#client,
        indexes.map(([key]) => key),
        [this.#keys.sessionBase, this.#keys.tombstoneBase, ...indexes.map(([, field]) => field)],
      ),
    );
    return Number(deleted);
  }

  /** Closes the client the backend made from `url`. A client passed as `client` is left open. */
  async close(): Promise<void> {
    if (!this.#ownsClient) return;
    try {
      await this.#client.quit();
    } catch {
      this.#client.disconnect();
    }
  }

  async #run<T>(operation: string, command: () => Promise<T>): Promise<T> {
    try {
      return await this.#operation(command);
    } catch (error) {
      throw new SessionStoreUnavailableError(operation, { cause: error });
    }
  }

  #unreadable(reason: string): undefined {
    this.#logger?.debug({ reason }, 'gatehouse: unreadable session in Redis treated as absent');
    return undefined;
  }
}
