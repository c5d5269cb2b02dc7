import type { ClientStore, OAuthClient } from '../../ports/client-store.js';
import { hashClientSecret, verifyClientSecretHash } from '../client-secret-hash.js';
import { publicClient } from '../records.js';
import type { RedisContext } from './redis-context.js';
import type { RedisScript } from './redis-script.js';

/** KEYS: client. ARGV: seconds. Extends a client that has a lifetime (a registration); one without keeps none. */
const TOUCH_CLIENT: RedisScript = {
  name: 'authStorageTouchClient',
  numberOfKeys: 1,
  lua: `
local ttl = redis.call('TTL', KEYS[1])
if ttl > 0 and ttl < tonumber(ARGV[1]) then return redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return 0`,
};

interface StoredClient {
  client: OAuthClient;
  secretHash?: string;
}

/** Clients on Redis: one record per client, the secret only as a hash; a registration with a TTL. */
export function createRedisClientStore(ctx: RedisContext): ClientStore {
  ctx.defineScripts(TOUCH_CLIENT);
  const { client, keys, codec } = ctx;
  const readClient = async (clientId: string): Promise<StoredClient | undefined> => {
    const key = keys.client(clientId);
    return ctx.decodeAt<StoredClient>(key, await ctx.run('getClient', () => client.get(key)));
  };

  return {
    async saveClient(value, options = {}) {
      const key = keys.client(value.clientId);
      const isStatic = value.static === true;
      const stored: StoredClient = {
        client: publicClient(value, value.clientSecret !== undefined),
        ...(value.clientSecret === undefined
          ? {}
          : { secretHash: await hashClientSecret(value.clientSecret, isStatic) }),
      };
      const encoded = codec.encode(stored, keys.logical(key));
      const lifetime = isStatic ? undefined : options.lifetimeSeconds;
      await ctx.run('saveClient', () =>
        lifetime === undefined ? client.set(key, encoded) : client.set(key, encoded, 'EX', lifetime),
      );
    },

    async touchClient(clientId, lifetimeSeconds) {
      await ctx.script(TOUCH_CLIENT, keys.client(clientId), lifetimeSeconds);
    },

    async getClient(clientId) {
      return (await readClient(clientId))?.client;
    },

    async verifyClientSecret(clientId, presentedSecret) {
      const stored = await readClient(clientId);
      if (stored?.secretHash === undefined) return false;
      return verifyClientSecretHash(stored.secretHash, presentedSecret);
    },

    async deleteClient(clientId) {
      await ctx.run('deleteClient', () => client.del(keys.client(clientId)));
    },
  };
}
