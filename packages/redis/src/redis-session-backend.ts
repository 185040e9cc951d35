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
import { DEFAULT_KEY_PREFIX, isValidKeyPrefix } from './keys.js';
import type { RedisSessionBackendOptions } from './options.js';
import { checkBackendOptions } from './options-check.js';
import { isWrongType, type SessionLayout, type SessionWrite } from './session-layout.js';
import { SingleTagLayout } from './single-tag-layout.js';
import { SpreadLayout } from './spread-layout.js';

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

/**
 * Sessions on Redis, for apps on several machines: the {@link SessionBackend} behind core's
 * `ServerStateStore`. Sessions are sealed at rest with the app secret, expire with the TTL they are
 * written with, and are indexed by user (`sub`) and tenant session (`sid`) so a back-channel logout
 * ends exactly the sessions it names, on every machine at once. A Redis outage is a
 * {@link SessionStoreUnavailableError} (503), never "no session". On Redis Cluster, sessions
 * spread over every primary (`keyLayout: 'spread'`, the default).
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
  readonly #layout: SessionLayout;
  /** With the spread layout: the single-tag layout of sessions written before the upgrade. */
  readonly #singleTag: SingleTagLayout | undefined;
  readonly #codec: SessionCodec;
  readonly #logger: Logger | undefined;
  readonly #operation: Operation;

  constructor(options: RedisSessionBackendOptions) {
    checkBackendOptions(options);
    const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    if (!isValidKeyPrefix(keyPrefix)) {
      throw new ConfigurationError(
        'keyPrefix',
        'must be a non-empty string without `{` or `}` (the backend adds its own hash tags).',
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
    const singleTag = new SingleTagLayout(
      client,
      keyPrefix,
      typeof clientPrefix === 'string' ? clientPrefix : '',
    );
    if (options.keyLayout === 'single-tag') {
      this.#layout = singleTag;
    } else {
      this.#layout = new SpreadLayout(client, keyPrefix);
      if (options.readSingleTag !== false) this.#singleTag = singleTag;
    }
    this.#logger = options.logger;
  }

  /** The session stored under `id`; undefined when there is none or it is unreadable. */
  async get(id: string): Promise<SessionData | undefined> {
    let stored: string | null;
    try {
      stored = await this.#operation(async () => {
        const found = await this.#layout.read(id);
        // Not in the spread layout: perhaps a session written before the upgrade.
        return found === null && this.#singleTag ? this.#singleTag.read(id) : found;
      });
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
   * indexes. A write to a session deleted earlier (by `delete` or `deleteByLogout`) during its
   * lifetime is dropped: a request that was in flight when the user logged out must not bring the
   * session back.
   */
  async set(id: string, data: SessionData, ttlSeconds: number): Promise<void> {
    if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
      throw new RangeError(`ttlSeconds must be a positive number, got ${ttlSeconds}.`);
    }
    if (!hasSessionShape(data)) {
      throw new TypeError('set() needs a session with user.sub and internal.sid.');
    }
    const write: SessionWrite = {
      stored: await this.#codec.encode(id, data, Date.now() / 1000 + ttlSeconds),
      ttlMs: Math.ceil(ttlSeconds * 1000),
      sub: data.user.sub,
      sid: data.internal.sid,
    };
    const written = await this.#run('set', () => this.#write(id, write));
    if (!written) this.#logger?.debug({}, 'gatehouse: write to a deleted session dropped');
  }

  /** Deletes the session `id` and its index entries. */
  async delete(id: string): Promise<void> {
    await this.#run('delete', () =>
      Promise.all([this.#layout.remove(id), this.#singleTag?.remove(id)]),
    );
  }

  /**
   * Deletes the sessions a back-channel logout names: every session of `sub`, every session of the
   * tenant session `sid`, or, when both are given, the sessions matching both. Returns how many.
   */
  async deleteByLogout(selector: LogoutSelector): Promise<number> {
    if (selector.sub === undefined && selector.sid === undefined) return 0;
    const counts = await this.#run('deleteByLogout', () =>
      Promise.all([
        this.#layout.removeByLogout(selector),
        this.#singleTag?.removeByLogout(selector) ?? 0,
      ]),
    );
    return counts[0] + counts[1];
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

  async #write(id: string, write: SessionWrite): Promise<boolean> {
    const singleTag = this.#singleTag;
    if (!singleTag) return this.#layout.write(id, write);
    // A session written before the upgrade is updated where it lives. In parallel, the spread
    // layout's first step (its index entries): harmless for such a session, whose spread entries
    // point at nothing and expire with it.
    const spread = this.#layout as SpreadLayout;
    const [existing] = await Promise.all([
      singleTag.writeExisting(id, write),
      spread.index(id, write),
    ]);
    return existing ?? spread.store(id, write);
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
