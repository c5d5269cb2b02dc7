import type { User, UserStore } from '../../ports/user-store.js';
import { sha256Hex } from '../hash.js';
import type { RedisContext } from './redis-context.js';
import type { RedisScript } from './redis-script.js';

/**
 * KEYS: identity. ARGV: user id, ttl ms of a new link (-1 = none). Returns {'linked'},
 * {'already-linked'} or {'conflict', user id}; an existing link is left as it is.
 */
const LINK_IDENTITY: RedisScript = {
  name: 'authStorageLinkIdentity',
  numberOfKeys: 1,
  lua: `
local cur = redis.call('GET', KEYS[1])
if not cur then
  local ttl = tonumber(ARGV[2])
  if ttl > 0 then redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
  elseif ttl < 0 then redis.call('SET', KEYS[1], ARGV[1]) end
  return {'linked'}
end
if cur == ARGV[1] then return {'already-linked'} end
return {'conflict', cur}`,
};

/**
 * KEYS: a user or identity key. ARGV: ttl ms, the value it must hold ('' = any). Makes the key live
 * at least `ttl` more (a key without TTL gets one); 0 when the key is gone or holds another value.
 */
const RETAIN: RedisScript = {
  name: 'authStorageRetain',
  numberOfKeys: 1,
  lua: `
local left = redis.call('PTTL', KEYS[1])
if left == -2 then return 0 end
if ARGV[2] ~= '' and redis.call('GET', KEYS[1]) ~= ARGV[2] then return 0 end
local ttl = tonumber(ARGV[1])
if left == -1 or left < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return 1`,
};

/** Users on Redis, and one key per `(provider, subject)` (its hash) holding the user id; each with its own TTL. */
export function createRedisUserStore(ctx: RedisContext): UserStore {
  ctx.defineScripts(LINK_IDENTITY, RETAIN);
  const { client, keys, codec } = ctx;
  const identityKey = (providerName: string, upstreamSubject: string): string =>
    keys.identity(sha256Hex(JSON.stringify([providerName, upstreamSubject])));

  return {
    async saveUser(user, expiresAt) {
      const key = keys.user(user.id);
      if (expiresAt === undefined) {
        const encoded = codec.encode(user, keys.logical(key));
        await ctx.run('saveUser', () => client.set(key, encoded));
        return;
      }
      const ttl = ctx.ttlUntil(expiresAt);
      if (ttl === 0) {
        await ctx.run('saveUser', () => client.del(key));
        return;
      }
      const encoded = codec.encode(user, keys.logical(key));
      await ctx.run('saveUser', () => client.set(key, encoded, 'PX', ttl));
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

    async linkProviderIdentity(providerName, upstreamSubject, userId, expiresAt) {
      const ttl = expiresAt === undefined ? -1 : ctx.ttlUntil(expiresAt);
      const reply = await ctx.script(LINK_IDENTITY, identityKey(providerName, upstreamSubject), userId, ttl);
      if (Array.isArray(reply) && reply[0] === 'conflict' && typeof reply[1] === 'string') {
        return { status: 'conflict', existingUserId: reply[1] };
      }
      return Array.isArray(reply) && reply[0] === 'linked'
        ? { status: 'linked' }
        : { status: 'already-linked' };
    },

    async retainUser(userId, until, identities) {
      const ttl = ctx.ttlUntil(until);
      if (ttl === 0) return;
      // One script per record: the user and its identities live in different cluster slots.
      // Durable (the user outlives the chain only if a promoted replica knows it), without undo.
      await Promise.all([
        ctx.durableScript(RETAIN, [keys.user(userId), ttl, '']),
        ...identities.map(({ providerName, upstreamSubject }) =>
          ctx.durableScript(RETAIN, [identityKey(providerName, upstreamSubject), ttl, userId]),
        ),
      ]);
    },
  };
}
