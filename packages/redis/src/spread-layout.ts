import type { LogoutSelector } from '@gatehouse/core';
import type { Cluster, Redis } from 'ioredis';
import {
  CLOCK_SKEW_MS,
  isWrongType,
  type SessionLayout,
  type SessionWrite,
} from './session-layout.js';
import { type SpreadKeys, spreadKeys } from './spread-keys.js';
import { spreadScripts } from './spread-scripts.js';

/**
 * The `spread` layout (see `spread-keys.ts`): a session in its own slot, each index in its own.
 * No step spans two slots, so the indexes are kept right by the order of the steps, each of which
 * is atomic on its own slot:
 *
 * - **write**: list the id in the `sub` and `sid` indexes (scored by its expiry), *then* write the
 *   session, refused if the id is tombstoned. A crash between the two leaves an index entry
 *   without a session (pruned once its score passes), never a session missing from its index.
 * - **logout**: read the index, then for each id delete the session and tombstone the id, even when
 *   no session is there yet (a login between its two steps: its session write is then refused),
 *   then remove exactly those entries from the index (entries added meanwhile stay).
 * - **read**: the session key alone, one round trip. Nothing else is needed: a session is never
 *   stored unless its index entries were written first, and never written again once tombstoned.
 *
 * Index entries of expired, deleted or moved sessions are pruned when an index is read or written.
 */
export class SpreadLayout implements SessionLayout {
  readonly keys: SpreadKeys;

  constructor(
    private readonly client: Redis | Cluster,
    keyPrefix: string,
  ) {
    this.keys = spreadKeys(keyPrefix);
  }

  read(id: string): Promise<string | null> {
    return this.client.hget(this.keys.session(id), 'd');
  }

  async write(id: string, write: SessionWrite): Promise<boolean> {
    await this.index(id, write);
    return this.store(id, write);
  }

  /** The first step of a write: lists `id` in its user's and tenant session's indexes. */
  async index(id: string, { ttlMs, sub, sid }: SessionWrite): Promise<void> {
    const now = Date.now();
    const args = [id, now + ttlMs, now - CLOCK_SKEW_MS, ttlMs + CLOCK_SKEW_MS];
    await Promise.all(
      [this.keys.subIndex(sub), this.keys.sidIndex(sid)].map((index) =>
        spreadScripts.indexAdd.run(this.client, [index], args),
      ),
    );
  }

  /** The second step of a write: the session itself, unless tombstoned. */
  async store(id: string, { stored, ttlMs, sub, sid }: SessionWrite): Promise<boolean> {
    const subIndex = this.keys.subIndex(sub);
    const sidIndex = this.keys.sidIndex(sid);
    const [written, ...left] = (await spreadScripts.sessionSet.run(
      this.client,
      [this.keys.session(id), this.keys.tombstone(id)],
      [stored, ttlMs, subIndex, sidIndex],
    )) as [number, ...string[]];
    // The session changed user or tenant session: its old index entries are now stale.
    if (left.length > 0) await Promise.all(left.map((index) => this.client.zrem(index, id)));
    return written === 1;
  }

  async remove(id: string): Promise<void> {
    const [removed, subIndex, sidIndex] = (await spreadScripts.remove.run(
      this.client,
      [this.keys.session(id), this.keys.tombstone(id)],
      [0],
    )) as [number, string | null, string | null];
    if (removed !== 1) return;
    const indexes = [subIndex, sidIndex].filter((index): index is string => !!index);
    await Promise.all(indexes.map((index) => this.client.zrem(index, id)));
  }

  async removeByLogout({ sub, sid }: LogoutSelector): Promise<number> {
    // Each index given, with the session field that must name it.
    const indexes: [key: string, field: 'u' | 'i'][] = [];
    if (sub !== undefined) indexes.push([this.keys.subIndex(sub), 'u']);
    if (sid !== undefined) indexes.push([this.keys.sidIndex(sid), 'i']);
    if (indexes.length === 0) return 0;
    const listed = await Promise.all(indexes.map(([key]) => this.#entries(key)));
    // With both a sub and a sid, only the sessions listed in both (OIDC Back-Channel Logout §2.4).
    const [first, ...others] = listed as [Map<string, number>, ...Map<string, number>[]];
    const ids = [...first.keys()].filter((id) => others.every((entries) => entries.has(id)));
    const expectations = indexes.flatMap(([key, field]) => [field, key]);
    const now = Date.now();
    const outcomes = await Promise.all(
      ids.map(async (id) => {
        const expires = Math.max(...listed.map((entries) => entries.get(id) ?? 0));
        // An id with no session yet is tombstoned until its entry's expiry, clock skew included.
        const least = Math.max(0, Math.ceil(expires - now + CLOCK_SKEW_MS));
        const [outcome] = (await spreadScripts.remove.run(
          this.client,
          [this.keys.session(id), this.keys.tombstone(id)],
          [least, ...expectations],
        )) as [number];
        return outcome;
      }),
    );
    // Entries of sessions deleted now or before go. A session that exists but does not match is
    // stale in an index given alone; given both, it may still belong to one of them, so it stays.
    const done = ids.filter((_id, n) => outcomes[n] !== 3 || indexes.length === 1);
    const cutoff = `(${now - CLOCK_SKEW_MS}`;
    await Promise.all(
      indexes.map(async ([key]) => {
        if (done.length > 0) await this.client.zrem(key, ...done);
        await this.client.zremrangebyscore(key, '-inf', cutoff).catch(ignoreWrongType);
      }),
    );
    return outcomes.filter((outcome) => outcome === 1).length;
  }

  /** An index's ids and their scores; a key of another type reads as an empty index. */
  async #entries(key: string): Promise<Map<string, number>> {
    let flat: string[];
    try {
      flat = await this.client.zrange(key, '0', '-1', 'WITHSCORES');
    } catch (error) {
      if (isWrongType(error)) return new Map();
      throw error;
    }
    const entries = new Map<string, number>();
    for (let n = 0; n < flat.length; n += 2) entries.set(flat[n]!, Number(flat[n + 1]));
    return entries;
  }
}

function ignoreWrongType(error: unknown): void {
  if (!isWrongType(error)) throw error;
}
