import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';

/**
 * The Lua scripts that change sessions and their indexes. Each runs atomically on the server: no
 * other command sees a session without its index entries, or an index entry half removed. Every
 * key a script touches, including the session keys it builds from index members, carries the
 * backend's one hash tag (see `keys.ts`), so the scripts also run on Redis Cluster.
 *
 * A session is a hash: `d` the stored data, `u` and `i` the keys of the `sub` and `sid` index sets
 * it is listed in, so a delete knows which sets to leave without reading the sealed data.
 */

/**
 * Index helpers that tolerate foreign data: a key of another type where an index should be is
 * treated as an empty index (and replaced when written), never an error for every later request.
 */
const INDEX = `
local function isIndex(key) return redis.call('TYPE', key).ok == 'set' end
local function unlist(index, id) if isIndex(index) then redis.call('SREM', index, id) end end
local function members(index)
  if isIndex(index) then return redis.call('SMEMBERS', index) end
  return {}
end
`;

/** Removes a session hash, its index entries, and leaves a tombstone for its remaining lifetime. */
const REMOVE = `
local function remove(key, tombstone, id)
  local owner = redis.call('HMGET', key, 'u', 'i')
  if owner[1] then unlist(owner[1], id) end
  if owner[2] then unlist(owner[2], id) end
  local ttl = redis.call('PTTL', key)
  redis.call('DEL', key)
  if ttl > 0 then redis.call('SET', tombstone, '1', 'PX', ttl) end
end
`;

/** Drops members whose session is gone (expired) from an index set. */
const SWEEP = `
local function sweep(index, sessionBase)
  for _, member in ipairs(members(index)) do
    if redis.call('EXISTS', sessionBase .. member) == 0 then redis.call('SREM', index, member) end
  end
end
`;

/**
 * KEYS: session, tombstone, sub index, sid index. ARGV: data, TTL in ms, id, session key base.
 * Returns 1 when stored, 0 when refused because the session was deleted (a request that was in
 * flight during a logout must not bring the session back).
 */
const setScript = (guard: string) => `${INDEX}${SWEEP}
local session, tombstone, subIndex, sidIndex = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local data, ttl, id, sessionBase = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]
${guard}
if redis.call('EXISTS', tombstone) == 1 then return 0 end
local kind = redis.call('TYPE', session).ok
if kind == 'hash' then
  local owner = redis.call('HMGET', session, 'u', 'i')
  if owner[1] and owner[1] ~= subIndex then unlist(owner[1], id) end
  if owner[2] and owner[2] ~= sidIndex then unlist(owner[2], id) end
elseif kind ~= 'none' then
  redis.call('DEL', session)
end
redis.call('HSET', session, 'd', data, 'u', subIndex, 'i', sidIndex)
redis.call('PEXPIRE', session, ttl)
for _, index in ipairs({ subIndex, sidIndex }) do
  if redis.call('EXISTS', index) == 1 and not isIndex(index) then redis.call('DEL', index) end
  -- A new member means a new login: sweep then, not on every write, so a user's set stays small.
  if redis.call('SADD', index, id) == 1 then sweep(index, sessionBase) end
  -- The index lives at least as long as its longest session.
  if redis.call('PTTL', index) < ttl then redis.call('PEXPIRE', index, ttl) end
end
return 1
`;

/** KEYS: session, tombstone. ARGV: id. Returns 1 when a session was deleted. */
const DELETE = `${INDEX}${REMOVE}
local kind = redis.call('TYPE', KEYS[1]).ok
if kind == 'none' then return 0 end
if kind == 'hash' then remove(KEYS[1], KEYS[2], ARGV[1]) else redis.call('DEL', KEYS[1]) end
return 1
`;

/**
 * KEYS: one or two index sets (sub and/or sid). ARGV: session key base, tombstone base, and for
 * each key the session field that must name it (`u` or `i`). Deletes the sessions listed in every
 * given set (their intersection) whose own fields name those sets; returns how many.
 */
const DELETE_BY_LOGOUT = `${INDEX}${REMOVE}${SWEEP}
local sessionBase, tombstoneBase = ARGV[1], ARGV[2]
local fields = { ARGV[3], ARGV[4] }
local listed = members(KEYS[1])
if #KEYS == 2 then
  if isIndex(KEYS[1]) and isIndex(KEYS[2]) then listed = redis.call('SINTER', KEYS[1], KEYS[2])
  else listed = {} end
end
local deleted = 0
for _, id in ipairs(listed) do
  local key = sessionBase .. id
  if redis.call('TYPE', key).ok == 'hash' then
    local matches = true
    for n, index in ipairs(KEYS) do
      if redis.call('HGET', key, fields[n]) ~= index then matches = false end
    end
    if matches then
      remove(key, tombstoneBase .. id, id)
      deleted = deleted + 1
    end
  end
end
for _, index in ipairs(KEYS) do sweep(index, sessionBase) end
return deleted
`;

/** A Lua script run by its SHA-1, sent in full only when the server does not have it yet. */
export class LuaScript {
  readonly #sha: string;

  constructor(readonly source: string) {
    this.#sha = createHash('sha1').update(source).digest('hex');
  }

  /**
   * Runs the script. ioredis's `defineCommand` would do this too, but it adds a method to the
   * app's own client; this leaves the client as the app made it.
   */
  async run(client: Redis | Cluster, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await client.evalsha(this.#sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return client.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

const SET = setScript('');

/**
 * As SET, but only for a session this layout holds (or held and deleted): returns -1, writing
 * nothing, for an id it never saw. The spread layout uses it to keep updating, in place, the
 * sessions written before an upgrade.
 */
const SET_EXISTING = setScript(
  "if redis.call('EXISTS', session) == 0 and redis.call('EXISTS', tombstone) == 0 then return -1 end",
);

export const scripts = {
  set: new LuaScript(SET),
  setExisting: new LuaScript(SET_EXISTING),
  delete: new LuaScript(DELETE),
  deleteByLogout: new LuaScript(DELETE_BY_LOGOUT),
};
