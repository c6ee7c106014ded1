/**
 * The session store's Lua scripts: each is one EVALSHA, atomic on the server. A record is a hash
 * `xp:s:<key>` with `r` (the record as JSON, without lastSeenAt and tokens), `t` (the sealed
 * tokens, or ''), `seen` (lastSeenAt), `exp` (expiresAt), `sid`, `sub` (the provider's subject,
 * or '') and `idx` (the index sets it is in, as JSON). Its TTL is its idle or absolute end,
 * whichever comes first; an index set `xp:si:<hash>` lives as long as its longest-lived member.
 */
import { defineScript } from '../redis/index.js';

/**
 * KEYS: the record, then its index sets. ARGV: r, t, seen, exp, sid, sub, idx, member,
 * idleSeconds, and '1' to write only over a record that exists (0 when it is gone).
 */
export const SET = defineScript(`
if ARGV[10] == '1' and redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local old = redis.call('HGET', KEYS[1], 'idx')
if old then
  for _, name in ipairs(cjson.decode(old)) do redis.call('SREM', name, ARGV[8]) end
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'r', ARGV[1], 't', ARGV[2], 'seen', ARGV[3], 'exp', ARGV[4], 'sid', ARGV[5], 'sub', ARGV[6], 'idx', ARGV[7])
local ends = math.min(tonumber(ARGV[4]), tonumber(ARGV[3]) + tonumber(ARGV[9]) + 1) * 1000
redis.call('PEXPIREAT', KEYS[1], ends)
local last = (tonumber(ARGV[4]) + 1) * 1000
for i = 2, #KEYS do
  redis.call('SADD', KEYS[i], ARGV[8])
  if redis.call('PEXPIRETIME', KEYS[i]) < last then redis.call('PEXPIREAT', KEYS[i], last) end
end
return 1
`);

/** KEYS: the record. ARGV: seen, idleSeconds. A record that is gone stays gone. */
export const TOUCH = defineScript(`
local exp = redis.call('HGET', KEYS[1], 'exp')
if not exp then return 0 end
redis.call('HSET', KEYS[1], 'seen', ARGV[1])
redis.call('PEXPIREAT', KEYS[1], math.min(tonumber(exp), tonumber(ARGV[1]) + tonumber(ARGV[2]) + 1) * 1000)
return 1
`);

/**
 * KEYS: the record, the ended-sessions log. ARGV: member, channel, retentionMs, maxEntries.
 * Removes the record and its index entries, and announces the end to every replica: logged
 * (for one that was away: see ended.ts) and published, in the same step as the delete.
 */
export const DELETE = defineScript(`
local v = redis.call('HMGET', KEYS[1], 'r', 't', 'seen', 'idx', 'sid')
if not v[1] then return false end
redis.call('DEL', KEYS[1])
for _, name in ipairs(cjson.decode(v[4])) do redis.call('SREM', name, ARGV[1]) end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[2], now, v[5])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - tonumber(ARGV[3]))
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(tonumber(ARGV[4]) + 1))
redis.call('PUBLISH', ARGV[2], now .. ' ' .. v[5])
return { v[1], v[2], v[3] }
`);

/** KEYS: one index set. ARGV: the record key prefix, the subject that must match (or ''). Drops members whose record is gone. */
export const FIND = defineScript(`
local out = {}
for _, m in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local sub = redis.call('HGET', ARGV[1] .. m, 'sub')
  if not sub then
    redis.call('SREM', KEYS[1], m)
  elseif ARGV[2] == '' or sub == ARGV[2] then
    table.insert(out, m)
  end
end
return out
`);

/** KEYS: a lock. ARGV: its holder. Deletes it only while it is still that holder's (not one taken after it expired). */
export const RELEASE = defineScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);
