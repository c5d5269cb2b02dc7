/**
 * Body of the upstream store: KEYS token, session index; ARGV provider, record, ttl ms
 * (-1 = none, 0 = already evictable: delete). The index never expires before any of its entries.
 */
const STORE_UPSTREAM = `
local ttl = tonumber(ARGV[3])
if ttl == 0 then
  redis.call('DEL', KEYS[1])
  redis.call('SREM', KEYS[2], ARGV[1])
  return 0
end
local before = redis.call('PTTL', KEYS[2])
if ttl < 0 then
  redis.call('SET', KEYS[1], ARGV[2])
else
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ttl)
end
redis.call('SADD', KEYS[2], ARGV[1])
if ttl < 0 then
  redis.call('PERSIST', KEYS[2])
elseif before == -2 or (before >= 0 and before < ttl) then
  redis.call('PEXPIRE', KEYS[2], ttl)
end
return 1`;

/**
 * Lua scripts of the Redis backend, registered with ioredis `defineCommand`
 * (sent with EVAL once per connection, EVALSHA afterwards). Each runs atomically
 * and is one round trip. Keys a script builds itself (from a prefix in ARGV)
 * always share the hash tag of a declared key, so they live in its cluster slot.
 */
export const redisScripts = {
  /** KEYS: pending. Returns the value and deletes it. */
  authStorageConsumePending: {
    numberOfKeys: 1,
    lua: `
local v = redis.call('GET', KEYS[1])
if v then redis.call('DEL', KEYS[1]) end
return v`,
  },

  /** KEYS: code. ARGV: record, ttl ms. */
  authStorageSaveCode: {
    numberOfKeys: 1,
    lua: `
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'r', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`,
  },

  /** KEYS: code. Returns nil, or {1 = first use | 0 = reuse, record}. */
  authStorageConsumeCode: {
    numberOfKeys: 1,
    lua: `
local r = redis.call('HGET', KEYS[1], 'r')
if not r then return false end
return {redis.call('HSETNX', KEYS[1], 'u', '1'), r}`,
  },

  /**
   * KEYS: grant, family set (one hash tag `{g:<grantId>}`). ARGV: record, ttl ms,
   * [refresh-token hash]. The hash becomes the current token and joins the family.
   */
  authStorageSaveGrant: {
    numberOfKeys: 2,
    lua: `
redis.call('HSET', KEYS[1], 'r', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if ARGV[3] then
  redis.call('HSET', KEYS[1], 'cur', ARGV[3])
  redis.call('SADD', KEYS[2], ARGV[3])
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
end
return 1`,
  },

  /**
   * KEYS: grant, family set of the grant the presented token names. ARGV: presented hash,
   * next hash. Returns nil (unknown token), {'rotated', record} or {'reused', record}.
   * RFC 9700 §4.14.2: a rotated token presented again revokes the whole family.
   */
  authStorageRotateRefresh: {
    numberOfKeys: 2,
    lua: `
local r = redis.call('HGET', KEYS[1], 'r')
if not r then return false end
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 then return false end
if redis.call('HGET', KEYS[1], 'cur') == ARGV[1] then
  local ttl = redis.call('PTTL', KEYS[1])
  redis.call('HSET', KEYS[1], 'cur', ARGV[2])
  redis.call('SADD', KEYS[2], ARGV[2])
  if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
  return {'rotated', r}
end
redis.call('DEL', KEYS[1], KEYS[2])
return {'reused', r}`,
  },

  /** KEYS: grant, family set. ARGV: refresh-token hash. Returns the record when the token is of the family, else nil. */
  authStorageFindGrantByRefresh: {
    numberOfKeys: 2,
    lua: `
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 then return false end
return redis.call('HGET', KEYS[1], 'r')`,
  },

  /**
   * KEYS: grant, family set. ARGV: refresh-token hash. Returns nil when the token is not of the
   * family, else {record, 1} for the current token or {record, 0} for a rotated one. Read-only.
   */
  authStorageInspectRefresh: {
    numberOfKeys: 2,
    lua: `
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 then return false end
local fields = redis.call('HMGET', KEYS[1], 'r', 'cur')
if not fields[1] then return false end
if fields[2] == ARGV[1] then return {fields[1], 1} end
return {fields[1], 0}`,
  },

  /** KEYS: grant, family set. */
  authStorageRevokeGrant: {
    numberOfKeys: 2,
    lua: `
redis.call('DEL', KEYS[1], KEYS[2])
return 1`,
  },

  /** KEYS: identity. ARGV: user id. Returns {'linked'}, {'already-linked'} or {'conflict', user id}. */
  authStorageLinkIdentity: {
    numberOfKeys: 1,
    lua: `
local cur = redis.call('GET', KEYS[1])
if not cur then
  redis.call('SET', KEYS[1], ARGV[1])
  return {'linked'}
end
if cur == ARGV[1] then return {'already-linked'} end
return {'conflict', cur}`,
  },

  /**
   * KEYS: token, session index. ARGV: provider, record, ttl ms (-1 = none, 0 = already
   * evictable: delete). The index never expires before any of its entries.
   */
  authStorageStoreUpstream: {
    numberOfKeys: 2,
    lua: STORE_UPSTREAM,
  },

  /** As `authStorageStoreUpstream`, only when the token key still exists; returns -1 (nothing stored) otherwise. */
  authStorageReplaceUpstream: {
    numberOfKeys: 2,
    lua: `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
${STORE_UPSTREAM}`,
  },

  /** KEYS: session index. ARGV: token key prefix. Returns {provider, record, ...}. */
  authStorageGetAllUpstream: {
    numberOfKeys: 1,
    lua: `
local out = {}
for _, p in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local v = redis.call('GET', ARGV[1] .. p)
  if v then
    out[#out + 1] = p
    out[#out + 1] = v
  end
end
return out`,
  },

  /** KEYS: session index. ARGV: token key prefix. */
  authStorageDeleteAllUpstream: {
    numberOfKeys: 1,
    lua: `
for _, p in ipairs(redis.call('SMEMBERS', KEYS[1])) do redis.call('DEL', ARGV[1] .. p) end
redis.call('DEL', KEYS[1])
return 1`,
  },

  /** KEYS: token, session index. ARGV: provider. */
  authStorageDeleteUpstream: {
    numberOfKeys: 2,
    lua: `
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
return 1`,
  },

  /** KEYS: lock. ARGV: owner token. Compare-and-delete. */
  authStorageReleaseLock: {
    numberOfKeys: 1,
    lua: `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`,
  },
} as const;

export type RedisScriptName = keyof typeof redisScripts;
