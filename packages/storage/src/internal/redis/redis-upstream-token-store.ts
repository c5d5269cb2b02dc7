import type { UpstreamTokenStore, UpstreamTokens } from '../../ports/upstream-token-store.js';
import { upstreamEvictionTime } from '../upstream-tokens.js';
import type { RedisContext } from './redis-context.js';
import type { RedisScript } from './redis-script.js';
import { decodeUpstreamTokens, encodeUpstreamTokens } from './upstream-envelope.js';

/**
 * Body of the upstream store: KEYS token, session index; ARGV provider, record, ttl ms
 * (-1 = none, 0 = already evictable: delete). The index never expires before any of its entries.
 */
const STORE_UPSTREAM_BODY = `
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
 * KEYS: token, session index. ARGV: provider, record, ttl ms (-1 = none, 0 = already
 * evictable: delete). The index never expires before any of its entries.
 */
const STORE_UPSTREAM: RedisScript = {
  name: 'authStorageStoreUpstream',
  numberOfKeys: 2,
  lua: STORE_UPSTREAM_BODY,
};

/** As `STORE_UPSTREAM`, only when the token key still exists; returns -1 (nothing stored) otherwise. */
const REPLACE_UPSTREAM: RedisScript = {
  name: 'authStorageReplaceUpstream',
  numberOfKeys: 2,
  lua: `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
${STORE_UPSTREAM_BODY}`,
};

/** KEYS: session index. ARGV: token key prefix. Returns {provider, record, ...}. */
const GET_ALL_UPSTREAM: RedisScript = {
  name: 'authStorageGetAllUpstream',
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
};

/** KEYS: session index. ARGV: token key prefix. */
const DELETE_ALL_UPSTREAM: RedisScript = {
  name: 'authStorageDeleteAllUpstream',
  numberOfKeys: 1,
  lua: `
for _, p in ipairs(redis.call('SMEMBERS', KEYS[1])) do redis.call('DEL', ARGV[1] .. p) end
redis.call('DEL', KEYS[1])
return 1`,
};

/** KEYS: token, session index. ARGV: provider. */
const DELETE_UPSTREAM: RedisScript = {
  name: 'authStorageDeleteUpstream',
  numberOfKeys: 2,
  lua: `
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
return 1`,
};

/**
 * KEYS: session index. ARGV: token key prefix, the new session end (epoch ms, decimal), now (epoch
 * ms), '1' to leave every entry provisional (else ''). Sets the session end in the envelope of every
 * entry (`upstream-envelope.ts`) and its TTL to `max(expiresAt, session end)` (a settled entry, tag
 * `t1`) or to the session end (a provisional one, tag `p1`), deleting an entry already past it; the
 * index is extended, never shortened. Returns how many entries remain.
 */
const SET_SESSION_EXPIRY: RedisScript = {
  name: 'authStorageSetUpstreamSessionExpiry',
  numberOfKeys: 1,
  lua: `
local finish = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local provisional = ARGV[4] == '1'
local tag = provisional and 'p1:' or 't1:'
local remaining = 0
local longest = 0
for _, p in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local key = ARGV[1] .. p
  local v = redis.call('GET', key)
  local e, at
  if v then e, at = string.match(v, '^[tp]1:([^:]*):[^:]*:()') end
  if at then
    local evict = finish
    if e ~= '' and not provisional then evict = math.max(tonumber(e), finish) end
    local ttl = math.ceil(evict - now)
    if ttl <= 0 then
      redis.call('DEL', key)
      redis.call('SREM', KEYS[1], p)
    else
      redis.call('SET', key, tag .. e .. ':' .. ARGV[2] .. ':' .. string.sub(v, at), 'PX', ttl)
      remaining = remaining + 1
      if ttl > longest then longest = ttl end
    end
  end
end
local before = redis.call('PTTL', KEYS[1])
if remaining > 0 and before >= 0 and before < longest then redis.call('PEXPIRE', KEYS[1], longest) end
return remaining`,
};

/**
 * Upstream tokens on Redis: one key per `(session, provider)` and a per-session index set,
 * all under the session's hash tag `{<sid>}`, so every script is one cluster slot.
 */
export function createRedisUpstreamTokenStore(ctx: RedisContext): UpstreamTokenStore {
  ctx.defineScripts(
    STORE_UPSTREAM,
    REPLACE_UPSTREAM,
    GET_ALL_UPSTREAM,
    DELETE_ALL_UPSTREAM,
    DELETE_UPSTREAM,
    SET_SESSION_EXPIRY,
  );
  const { client, keys, codec } = ctx;
  const aad = (sessionId: string, providerName: string): string =>
    JSON.stringify(['upstream', sessionId, providerName]);
  /** KEYS and ARGV of the store and replace scripts. */
  const storeArgs = (sessionId: string, providerName: string, tokens: UpstreamTokens) => {
    const evictAt = upstreamEvictionTime(tokens);
    return [
      keys.upstream(sessionId, providerName),
      keys.upstreamIndex(sessionId),
      providerName,
      encodeUpstreamTokens(codec, tokens, aad(sessionId, providerName)),
      evictAt === undefined ? -1 : ctx.ttlUntil(evictAt),
    ];
  };

  return {
    async storeUpstreamTokens(sessionId, providerName, tokens) {
      // Not acknowledged by the replicas: the entry is deleted again, the caller answers 503.
      await ctx.durableScript(STORE_UPSTREAM, storeArgs(sessionId, providerName, tokens), () =>
        ctx.script(
          DELETE_UPSTREAM,
          keys.upstream(sessionId, providerName),
          keys.upstreamIndex(sessionId),
          providerName,
        ),
      );
    },

    async replaceUpstreamTokens(sessionId, providerName, tokens) {
      const reply = await ctx.script(REPLACE_UPSTREAM, ...storeArgs(sessionId, providerName, tokens));
      return Number(reply) !== -1;
    },

    async setUpstreamSessionExpiry(sessionId, sessionExpiresAt, options = {}) {
      // Durable without undo: a longer lifetime left behind keeps nothing a caller can reach.
      const reply = await ctx.durableScript(SET_SESSION_EXPIRY, [
        keys.upstreamIndex(sessionId),
        keys.upstreamPrefix(sessionId),
        String(sessionExpiresAt),
        ctx.now(),
        options.provisional === true ? '1' : '',
      ]);
      return Number(reply);
    },

    async getUpstreamTokens(sessionId, providerName) {
      const reply = await ctx.run('getUpstreamTokens', () =>
        client.get(keys.upstream(sessionId, providerName)),
      );
      return typeof reply === 'string'
        ? decodeUpstreamTokens(codec, reply, aad(sessionId, providerName))
        : undefined;
    },

    async getAllUpstreamTokens(sessionId) {
      const reply = await ctx.script(
        GET_ALL_UPSTREAM,
        keys.upstreamIndex(sessionId),
        keys.upstreamPrefix(sessionId),
      );
      const result: Record<string, UpstreamTokens> = {};
      if (!Array.isArray(reply)) return result;
      for (let index = 0; index + 1 < reply.length; index += 2) {
        const providerName = reply[index];
        const stored = reply[index + 1];
        if (typeof providerName !== 'string' || typeof stored !== 'string') continue;
        result[providerName] = decodeUpstreamTokens(codec, stored, aad(sessionId, providerName));
      }
      return result;
    },

    async getUpstreamTokensFor(sessionId, providerNames) {
      const result: Record<string, UpstreamTokens> = {};
      if (providerNames.length === 0) return result;
      // One MGET, no script: every key carries the session's hash tag, so it is one cluster slot.
      const reply = await ctx.run('getUpstreamTokensFor', () =>
        client.mget(providerNames.map((providerName) => keys.upstream(sessionId, providerName))),
      );
      providerNames.forEach((providerName, index) => {
        const stored = reply[index];
        if (typeof stored === 'string')
          result[providerName] = decodeUpstreamTokens(codec, stored, aad(sessionId, providerName));
      });
      return result;
    },

    async deleteUpstreamTokens(sessionId) {
      await ctx.script(DELETE_ALL_UPSTREAM, keys.upstreamIndex(sessionId), keys.upstreamPrefix(sessionId));
    },

    async deleteUpstreamTokensForProvider(sessionId, providerName) {
      await ctx.script(
        DELETE_UPSTREAM,
        keys.upstream(sessionId, providerName),
        keys.upstreamIndex(sessionId),
        providerName,
      );
    },
  };
}
