import type {
  PendingAuthorization,
  PendingAuthorizationStore,
} from '../../ports/pending-authorization-store.js';
import { sha256Hex } from '../hash.js';
import type { RedisContext } from './redis-context.js';
import type { RedisScript } from './redis-script.js';

/** KEYS: pending. Returns the value and deletes it. */
const CONSUME_PENDING: RedisScript = {
  name: 'authStorageConsumePending',
  numberOfKeys: 1,
  lua: `
local v = redis.call('GET', KEYS[1])
if v then redis.call('DEL', KEYS[1]) end
return v`,
};

/** Pending authorizations on Redis, keyed by the id's hash, with a TTL; consumed by one script. */
export function createRedisPendingAuthorizationStore(ctx: RedisContext): PendingAuthorizationStore {
  ctx.defineScripts(CONSUME_PENDING);
  const { client, keys, codec } = ctx;
  return {
    async savePendingAuthorization(pending) {
      const ttl = ctx.ttlUntil(pending.expiresAt);
      if (ttl === 0) return;
      const key = keys.pending(sha256Hex(pending.id));
      const encoded = codec.encode(pending, keys.logical(key));
      await ctx.run('savePendingAuthorization', () => client.set(key, encoded, 'PX', ttl));
    },

    async consumePendingAuthorization(id) {
      const key = keys.pending(sha256Hex(id));
      return ctx.decodeAt<PendingAuthorization>(key, await ctx.script(CONSUME_PENDING, key));
    },
  };
}
