import type {
  AuthorizationCodeRecord,
  AuthorizationCodeStore,
} from '../../ports/authorization-code-store.js';
import { sha256Hex } from '../hash.js';
import type { RedisContext } from './redis-context.js';
import type { RedisScript } from './redis-script.js';

/** KEYS: code. ARGV: record, ttl ms. */
const SAVE_CODE: RedisScript = {
  name: 'authStorageSaveCode',
  numberOfKeys: 1,
  lua: `
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'r', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`,
};

/** KEYS: code. Returns nil, or {1 = first use | 0 = reuse, record}. */
const CONSUME_CODE: RedisScript = {
  name: 'authStorageConsumeCode',
  numberOfKeys: 1,
  lua: `
local r = redis.call('HGET', KEYS[1], 'r')
if not r then return false end
return {redis.call('HSETNX', KEYS[1], 'u', '1'), r}`,
};

/** Authorization codes on Redis: a hash per code hash (`r` record, `u` used mark), with a TTL. */
export function createRedisAuthorizationCodeStore(ctx: RedisContext): AuthorizationCodeStore {
  ctx.defineScripts(SAVE_CODE, CONSUME_CODE);
  const { keys, codec } = ctx;
  return {
    async saveAuthorizationCode(code, record) {
      const ttl = ctx.ttlUntil(record.expiresAt);
      if (ttl === 0) return;
      const key = keys.code(sha256Hex(code));
      // Not acknowledged by the replicas: the code is dropped, the caller answers 503.
      await ctx.durableScript(SAVE_CODE, [key, codec.encode(record, keys.logical(key)), ttl], () =>
        ctx.run('saveAuthorizationCode', () => ctx.client.del(key)),
      );
    },

    async consumeAuthorizationCode(code) {
      const key = keys.code(sha256Hex(code));
      const reply = await ctx.script(CONSUME_CODE, key);
      if (!Array.isArray(reply)) return { status: 'unknown' };
      const record = ctx.decodeAt<AuthorizationCodeRecord>(key, reply[1]);
      if (record === undefined) return { status: 'unknown' };
      return { status: Number(reply[0]) === 1 ? 'consumed' : 'reused', record };
    },
  };
}
