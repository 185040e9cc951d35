import { createHash } from 'node:crypto';

/**
 * The Redis keys of the `single-tag` layout (the only one before the `spread` layout of
 * `spread-keys.ts`, and still read by it), all under one key prefix.
 *
 * Why one hash tag for everything: `get(id)` knows only the session id, while `set`, `delete` and
 * `deleteByLogout` must change a session and its `sub` and `sid` index sets in one atomic step (a
 * Lua script). Redis Cluster runs a script only when every key it touches lives in one hash slot,
 * and a slot is chosen by the key's hash tag (the part between the first `{` and the next `}`).
 * A per-user tag (`{sub}`) cannot work, because a read by session id does not know the user; a
 * per-session tag cannot work, because one user's index spans many sessions. So every key of a
 * backend shares one tag derived from its prefix (`gatehouse:{gatehouse}:…`). The price: one
 * app's sessions live on one shard (its primary and replicas) rather than spread over the
 * cluster, which keeps every index change atomic and `deleteByLogout` exact. The `spread` layout
 * (the default) gives that atomicity up for a protocol of ordered steps instead, and spreads
 * sessions over every shard.
 *
 * Index keys hold a SHA-256 of the `sub` or `sid`, not the value: user ids do not appear in key
 * names, and a hostile or huge claim cannot make a huge key.
 */
export interface KeyLayout {
  /** The key of a session's hash: fields `d` (data), `u` and `i` (its sub and sid index keys). */
  session(id: string): string;
  /** Marks a deleted session id for the rest of its lifetime, so a late write cannot revive it. */
  tombstone(id: string): string;
  /** The set of session ids of one user. */
  subIndex(sub: string): string;
  /** The set of session ids of one tenant session. */
  sidIndex(sid: string): string;
  /** What `session(id)` puts in front of the id, for scripts that find sessions from an index. */
  sessionBase: string;
  /** What `tombstone(id)` puts in front of the id. */
  tombstoneBase: string;
}

/** The default key prefix. */
export const DEFAULT_KEY_PREFIX = 'gatehouse:';

/** Whether a key prefix can carry the backend's own hash tag (no braces of its own, not empty). */
export function isValidKeyPrefix(prefix: string): boolean {
  return prefix.length > 0 && !/[{}]/.test(prefix);
}

const digest = (value: string) => createHash('sha256').update(value).digest('base64url');

/**
 * The key layout for `keyPrefix`. `clientPrefix` is the ioredis client's own `keyPrefix` option,
 * if any: ioredis adds it to the keys a command names, but not to key names a Lua script builds,
 * so the bases the scripts use include it.
 */
export function singleTagKeys(keyPrefix: string, clientPrefix = ''): KeyLayout {
  const tag = keyPrefix.replace(/:+$/, '') || keyPrefix;
  const root = `${keyPrefix}{${tag}}:`;
  return {
    session: (id) => `${root}session:${id}`,
    tombstone: (id) => `${root}deleted:${id}`,
    subIndex: (sub) => `${root}sub:${digest(sub)}`,
    sidIndex: (sid) => `${root}sid:${digest(sid)}`,
    sessionBase: `${clientPrefix}${root}session:`,
    tombstoneBase: `${clientPrefix}${root}deleted:`,
  };
}
