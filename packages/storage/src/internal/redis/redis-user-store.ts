import type { User, UserStore } from '../../ports/user-store.js';
import { sha256Hex } from '../hash.js';
import type { RedisContext } from './redis-context.js';
import type { RedisScript } from './redis-script.js';

/** KEYS: identity. ARGV: user id. Returns {'linked'}, {'already-linked'} or {'conflict', user id}. */
const LINK_IDENTITY: RedisScript = {
  name: 'authStorageLinkIdentity',
  numberOfKeys: 1,
  lua: `
local cur = redis.call('GET', KEYS[1])
if not cur then
  redis.call('SET', KEYS[1], ARGV[1])
  return {'linked'}
end
if cur == ARGV[1] then return {'already-linked'} end
return {'conflict', cur}`,
};

/** Users on Redis, and one key per `(provider, subject)` (its hash) holding the user id. */
export function createRedisUserStore(ctx: RedisContext): UserStore {
  ctx.defineScripts(LINK_IDENTITY);
  const { client, keys, codec } = ctx;
  const identityKey = (providerName: string, upstreamSubject: string): string =>
    keys.identity(sha256Hex(JSON.stringify([providerName, upstreamSubject])));

  return {
    async saveUser(user) {
      const key = keys.user(user.id);
      const encoded = codec.encode(user, keys.logical(key));
      await ctx.run('saveUser', () => client.set(key, encoded));
    },

    async getUser(userId) {
      const key = keys.user(userId);
      return ctx.decodeAt<User>(key, await ctx.run('getUser', () => client.get(key)));
    },

    async getUserIdByProviderIdentity(providerName, upstreamSubject) {
      const key = identityKey(providerName, upstreamSubject);
      const reply = await ctx.run('getUserIdByProviderIdentity', () => client.get(key));
      return typeof reply === 'string' ? reply : undefined;
    },

    async linkProviderIdentity(providerName, upstreamSubject, userId) {
      const reply = await ctx.script(LINK_IDENTITY, identityKey(providerName, upstreamSubject), userId);
      if (Array.isArray(reply) && reply[0] === 'conflict' && typeof reply[1] === 'string') {
        return { status: 'conflict', existingUserId: reply[1] };
      }
      return Array.isArray(reply) && reply[0] === 'linked'
        ? { status: 'linked' }
        : { status: 'already-linked' };
    },
  };
}
