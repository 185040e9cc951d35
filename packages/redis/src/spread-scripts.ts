import { LuaScript } from './scripts.js';

/**
 * The Lua scripts of the `spread` layout. Each touches the keys of one slot only (a session and
 * its tombstone, or one index), so each runs on whichever primary holds that slot. Index names
 * travel as arguments, not keys: they live in other slots, and a script only reads them as text.
 */

/**
 * KEYS: one index. ARGV: session id, its expiry (ms since the epoch), the cut-off below which
 * entries are expired (ms), how long the index must live from now (ms).
 *
 * Lists the id with the latest expiry it was written with (`GT`: a shorter write never lowers
 * it), drops entries whose sessions expired, and keeps the index alive as long as its longest
 * session. A key of another type under the index's name is foreign data: replaced.
 */
const INDEX_ADD = `
local index = KEYS[1]
local kind = redis.call('TYPE', index).ok
if kind ~= 'zset' and kind ~= 'none' then redis.call('DEL', index) end
redis.call('ZADD', index, 'GT', ARGV[2], ARGV[1])
redis.call('ZREMRANGEBYSCORE', index, '-inf', '(' .. ARGV[3])
local keep = tonumber(ARGV[4])
if redis.call('PTTL', index) < keep then redis.call('PEXPIRE', index, keep) end
return 1
`;

/**
 * KEYS: session, tombstone. ARGV: data, TTL (ms), sub index name, sid index name.
 * Returns `{0}` when refused (the id was deleted: a request in flight during a logout must not
 * bring the session back), else `{1, ...}` followed by the index names the session was listed in
 * before and no longer is (its user or tenant session changed), for the caller to leave.
 */
const SESSION_SET = `
local session, tombstone = KEYS[1], KEYS[2]
if redis.call('EXISTS', tombstone) == 1 then return {0} end
local result = {1}
local kind = redis.call('TYPE', session).ok
if kind == 'hash' then
  local owner = redis.call('HMGET', session, 'u', 'i')
  if owner[1] and owner[1] ~= ARGV[3] then table.insert(result, owner[1]) end
  if owner[2] and owner[2] ~= ARGV[4] then table.insert(result, owner[2]) end
elseif kind ~= 'none' then
  redis.call('DEL', session)
end
redis.call('HSET', session, 'd', ARGV[1], 'u', ARGV[3], 'i', ARGV[4])
redis.call('PEXPIRE', session, ARGV[2])
return result
`;

/**
 * KEYS: session, tombstone. ARGV: the shortest tombstone life (ms), then pairs of a session field
 * (`u`, `i`) and the index name it must hold for the session to be deleted.
 *
 * Returns `{1, u, i}` when it deleted a session (tombstoned for the rest of its life), `{2}` when
 * there was no session and none deleted before (a login between its index step and its session
 * step, or a session that just expired): the id is tombstoned so that the pending write is refused;
 * `{3}` when the session belongs to another user or tenant session (left alone); `{0}` when there
 * is nothing to do: already deleted, or foreign data.
 */
const REMOVE = `
local session, tombstone = KEYS[1], KEYS[2]
local least = tonumber(ARGV[1])
local kind = redis.call('TYPE', session).ok
if kind == 'none' then
  if redis.call('EXISTS', tombstone) == 1 then return {0} end
  if least > 0 then
    redis.call('SET', tombstone, '1', 'PX', least)
    return {2}
  end
  return {0}
end
if kind ~= 'hash' then return {0} end
for n = 2, #ARGV, 2 do
  if redis.call('HGET', session, ARGV[n]) ~= ARGV[n + 1] then return {3} end
end
local owner = redis.call('HMGET', session, 'u', 'i')
local ttl = redis.call('PTTL', session)
redis.call('DEL', session)
if ttl > 0 then redis.call('SET', tombstone, '1', 'PX', ttl) end
return {1, owner[1] or false, owner[2] or false}
`;

export const spreadScripts = {
  indexAdd: new LuaScript(INDEX_ADD),
  sessionSet: new LuaScript(SESSION_SET),
  remove: new LuaScript(REMOVE),
};
