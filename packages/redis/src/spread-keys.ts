import { createHash } from 'node:crypto';

/**
 * The Redis keys of the `spread` layout (the default): each session in a hash slot of its own,
 * tagged by its id, and each user's (`sub`) and tenant session's (`sid`) index in a slot of its
 * own, tagged by the SHA-256 of the value. On Redis Cluster, sessions and their reads spread over
 * every primary instead of all living on the one shard a single tag maps to (`keys.ts`).
 *
 * No command or script touches two of these slots: the session key and its tombstone share the
 * session's tag, and an index is one key. What kept the indexes exact in one script before is
 * kept by the order of the steps instead (see `spread-layout.ts`).
 *
 * ```
 * gatehouse:session:{<id>}      hash: d (sealed session), u, i (the names of its two indexes)
 * gatehouse:deleted:{<id>}      tombstone of a deleted session id
 * gatehouse:sub:{<sha256(sub)>} sorted set: session ids of one user, scored by their expiry (ms)
 * gatehouse:sid:{<sha256(sid)>} sorted set: session ids of one tenant session
 * ```
 */
export interface SpreadKeys {
  session(id: string): string;
  tombstone(id: string): string;
  subIndex(sub: string): string;
  sidIndex(sid: string): string;
}

const digest = (value: string) => createHash('sha256').update(value).digest('base64url');

/** Ids as ServerStateStore makes them (base64url) are their own tag; anything else is hashed. */
const PLAIN_TAG = /^[^{}]+$/;

/** The keys of the spread layout under `keyPrefix` (which has no braces: see `isValidKeyPrefix`). */
export function spreadKeys(keyPrefix: string): SpreadKeys {
  // A brace in an id would end or move the tag: the session and its tombstone could land in
  // different slots. Such an id is never made by core; it is hashed rather than refused.
  const tag = (id: string) => (PLAIN_TAG.test(id) ? id : `#${digest(id)}`);
  const sessionRoot = `${keyPrefix}session:{`;
  const tombstoneRoot = `${keyPrefix}deleted:{`;
  return {
    session: (id) => `${sessionRoot}${tag(id)}}`,
    tombstone: (id) => `${tombstoneRoot}${tag(id)}}`,
    subIndex: (sub) => `${keyPrefix}sub:{${digest(sub)}}`,
    sidIndex: (sid) => `${keyPrefix}sid:{${digest(sid)}}`,
  };
}
