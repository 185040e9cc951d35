import type { LogoutSelector } from '@gatehouse/core';
import type { Cluster, Redis } from 'ioredis';
import { type KeyLayout, singleTagKeys } from './keys.js';
import { scripts } from './scripts.js';
import type { SessionLayout, SessionWrite } from './session-layout.js';

/**
 * The `single-tag` layout: every key of the backend under one hash tag, so that each write is one
 * atomic Lua script (see `keys.ts` and `scripts.ts`). One round trip per operation; on Redis
 * Cluster, all of an app's sessions on one shard.
 */
export class SingleTagLayout implements SessionLayout {
  readonly keys: KeyLayout;

  constructor(
    private readonly client: Redis | Cluster,
    keyPrefix: string,
    clientPrefix: string,
  ) {
    this.keys = singleTagKeys(keyPrefix, clientPrefix);
  }

  read(id: string): Promise<string | null> {
    return this.client.hget(this.keys.session(id), 'd');
  }

  async write(id: string, write: SessionWrite): Promise<boolean> {
    return (await this.#set(scripts.set, id, write)) === 1;
  }

  /**
   * Writes session `id` only if this layout holds it, or held it and deleted it: true when
   * written, false when refused (deleted), undefined when the id is not this layout's.
   */
  async writeExisting(id: string, write: SessionWrite): Promise<boolean | undefined> {
    const result = await this.#set(scripts.setExisting, id, write);
    return result === -1 ? undefined : result === 1;
  }

  async remove(id: string): Promise<void> {
    await scripts.delete.run(this.client, [this.keys.session(id), this.keys.tombstone(id)], [id]);
  }

  async removeByLogout({ sub, sid }: LogoutSelector): Promise<number> {
    // Each index set given, with the session field that names it.
    const indexes: [key: string, field: 'u' | 'i'][] = [];
    if (sub !== undefined) indexes.push([this.keys.subIndex(sub), 'u']);
    if (sid !== undefined) indexes.push([this.keys.sidIndex(sid), 'i']);
    if (indexes.length === 0) return 0;
    const deleted = await scripts.deleteByLogout.run(
      this.client,
      indexes.map(([key]) => key),
      [this.keys.sessionBase, this.keys.tombstoneBase, ...indexes.map(([, field]) => field)],
    );
    return Number(deleted);
  }

  async #set(script: typeof scripts.set, id: string, write: SessionWrite): Promise<number> {
    const keys = this.keys;
    const result = await script.run(
      this.client,
      [keys.session(id), keys.tombstone(id), keys.subIndex(write.sub), keys.sidIndex(write.sid)],
      [write.stored, write.ttlMs, id, keys.sessionBase],
    );
    return Number(result);
  }
}
