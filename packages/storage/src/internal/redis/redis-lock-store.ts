import { randomUUID } from 'node:crypto';
import type { LockStore } from '../../ports/lock-store.js';
import type { RedisContext } from './redis-context.js';
import type { RedisScript } from './redis-script.js';

/** KEYS: lock. ARGV: owner token. Compare-and-delete. */
const RELEASE_LOCK: RedisScript = {
  name: 'authStorageReleaseLock',
  numberOfKeys: 1,
  lua: `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`,
};

/** KEYS: lock. ARGV: owner token, ttl ms. Compare-and-extend; 1 when extended. */
const EXTEND_LOCK: RedisScript = {
  name: 'authStorageExtendLock',
  numberOfKeys: 1,
  lua: `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`,
};

/** Locks on Redis: `SET NX PX` with a random owner token, extended and released only by its owner (Lua compare-and-extend, compare-and-delete). */
export function createRedisLockStore(ctx: RedisContext): LockStore {
  ctx.defineScripts(RELEASE_LOCK, EXTEND_LOCK);
  const { client, keys } = ctx;
  return {
    async tryAcquireLock(name, ttlMs) {
      const owner = randomUUID();
      const reply = await ctx.run('tryAcquireLock', () =>
        client.set(keys.lock(name), owner, 'PX', ttlMs, 'NX'),
      );
      return reply === 'OK' ? owner : undefined;
    },

    async extendLock(name, ownerToken, ttlMs) {
      return Number(await ctx.script(EXTEND_LOCK, keys.lock(name), ownerToken, ttlMs)) === 1;
    },

    async releaseLock(name, ownerToken) {
      await ctx.script(RELEASE_LOCK, keys.lock(name), ownerToken);
    },
  };
}
