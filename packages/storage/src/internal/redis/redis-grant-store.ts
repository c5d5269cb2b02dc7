import type { Grant, GrantStore } from '../../ports/grant-store.js';
import { sha256Hex } from '../hash.js';
import { grantIdOfRefreshToken } from '../refresh-token.js';
import type { RedisContext } from './redis-context.js';
import type { RedisScript } from './redis-script.js';

/**
 * KEYS: grant, family set (one hash tag `{g:<grantId>}`). ARGV: record, ttl ms,
 * [refresh-token hash]. The hash becomes the current token and joins the family.
 */
const SAVE_GRANT: RedisScript = {
  name: 'authStorageSaveGrant',
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
};

/**
 * KEYS: grant, family set of the grant the presented token names. ARGV: presented hash,
 * next hash. Returns nil (unknown token), {'rotated', record} or {'reused', record}.
 * RFC 9700 §4.14.2: a rotated token presented again revokes the whole family.
 */
const ROTATE_REFRESH: RedisScript = {
  name: 'authStorageRotateRefresh',
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
};

/** KEYS: grant, family set. ARGV: refresh-token hash. Returns the record when the token is of the family, else nil. */
const FIND_GRANT_BY_REFRESH: RedisScript = {
  name: 'authStorageFindGrantByRefresh',
  numberOfKeys: 2,
  lua: `
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 then return false end
return redis.call('HGET', KEYS[1], 'r')`,
};

/**
 * KEYS: grant, family set. ARGV: refresh-token hash. Returns nil when the token is not of the
 * family, else {record, 1} for the current token or {record, 0} for a rotated one. Read-only.
 */
const INSPECT_REFRESH: RedisScript = {
  name: 'authStorageInspectRefresh',
  numberOfKeys: 2,
  lua: `
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 then return false end
local fields = redis.call('HMGET', KEYS[1], 'r', 'cur')
if not fields[1] then return false end
if fields[2] == ARGV[1] then return {fields[1], 1} end
return {fields[1], 0}`,
};

/** KEYS: grant, family set. */
const REVOKE_GRANT: RedisScript = {
  name: 'authStorageRevokeGrant',
  numberOfKeys: 2,
  lua: `
redis.call('DEL', KEYS[1], KEYS[2])
return 1`,
};

/**
 * Grants on Redis: a hash per grant (`r` record, `cur` current refresh-token hash) and a set of
 * every refresh-token hash of the family, both under `{g:<grantId>}` so each script is one slot.
 */
export function createRedisGrantStore(ctx: RedisContext): GrantStore {
  ctx.defineScripts(SAVE_GRANT, ROTATE_REFRESH, FIND_GRANT_BY_REFRESH, INSPECT_REFRESH, REVOKE_GRANT);
  const { client, keys, codec } = ctx;
  /** Runs a read script over the family a refresh token names; `undefined` when it names none. */
  const familyLookup = async (
    script: RedisScript,
    refreshToken: string,
  ): Promise<{ grantKey: string; reply: unknown } | undefined> => {
    const grantId = grantIdOfRefreshToken(refreshToken);
    if (grantId === undefined) return undefined;
    const grantKey = keys.grant(grantId);
    const reply = await ctx.script(script, grantKey, keys.grantFamily(grantId), sha256Hex(refreshToken));
    return { grantKey, reply };
  };

  return {
    async saveGrant(grant, refreshToken) {
      const ttl = ctx.ttlUntil(grant.expiresAt);
      if (ttl === 0) return;
      const grantKey = keys.grant(grant.grantId);
      const familyKey = keys.grantFamily(grant.grantId);
      const record = codec.encode(grant, keys.logical(grantKey));
      const args = [grantKey, familyKey, record, ttl];
      if (refreshToken !== undefined) args.push(sha256Hex(refreshToken));
      // Not acknowledged by the replicas: the grant is revoked again, the caller answers 503.
      await ctx.durableScript(SAVE_GRANT, args, () => ctx.script(REVOKE_GRANT, grantKey, familyKey));
    },

    async getGrant(grantId) {
      const key = keys.grant(grantId);
      return ctx.decodeAt<Grant>(key, await ctx.run('getGrant', () => client.hget(key, 'r')));
    },

    async rotateRefreshToken(presentedRefreshToken, nextRefreshToken) {
      // The token names its grant, so every key the script touches shares `{g:<grantId>}`.
      const grantId = grantIdOfRefreshToken(presentedRefreshToken);
      if (grantId === undefined) return { status: 'invalid' };
      const grantKey = keys.grant(grantId);
      const reply = await ctx.script(
        ROTATE_REFRESH,
        grantKey,
        keys.grantFamily(grantId),
        sha256Hex(presentedRefreshToken),
        sha256Hex(nextRefreshToken),
      );
      if (!Array.isArray(reply) || typeof reply[1] !== 'string') return { status: 'invalid' };
      const grant = codec.decode<Grant>(reply[1], keys.logical(grantKey));
      return { status: reply[0] === 'rotated' ? 'rotated' : 'reused', grant };
    },

    async findGrantByRefreshToken(refreshToken) {
      const found = await familyLookup(FIND_GRANT_BY_REFRESH, refreshToken);
      return found === undefined ? undefined : ctx.decodeAt<Grant>(found.grantKey, found.reply);
    },

    async inspectRefreshToken(refreshToken) {
      const found = await familyLookup(INSPECT_REFRESH, refreshToken);
      if (found === undefined) return undefined;
      const { grantKey, reply } = found;
      if (!Array.isArray(reply) || typeof reply[0] !== 'string') return undefined;
      const grant = codec.decode<Grant>(reply[0], keys.logical(grantKey));
      return { grant, current: Number(reply[1]) === 1 };
    },

    async revokeGrant(grantId) {
      await ctx.script(REVOKE_GRANT, keys.grant(grantId), keys.grantFamily(grantId));
    },
  };
}
