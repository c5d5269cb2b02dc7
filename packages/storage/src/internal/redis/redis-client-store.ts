import type { ClientStore, OAuthClient } from '../../ports/client-store.js';
import { digestsEqual, sha256Hex } from '../hash.js';
import { publicClient } from '../records.js';
import type { RedisContext } from './redis-context.js';

interface StoredClient {
  client: OAuthClient;
  secretHash?: string;
}

/** Clients on Redis: one record per client, the secret only as a hash. */
export function createRedisClientStore(ctx: RedisContext): ClientStore {
  const { client, keys, codec } = ctx;
  const readClient = async (clientId: string): Promise<StoredClient | undefined> => {
    const key = keys.client(clientId);
    return ctx.decodeAt<StoredClient>(key, await ctx.run('getClient', () => client.get(key)));
  };

  return {
    async saveClient(value) {
      const key = keys.client(value.clientId);
      const stored: StoredClient = {
        client: publicClient(value, value.clientSecret !== undefined),
        ...(value.clientSecret === undefined ? {} : { secretHash: sha256Hex(value.clientSecret) }),
      };
      const encoded = codec.encode(stored, keys.logical(key));
      await ctx.run('saveClient', () => client.set(key, encoded));
    },

    async getClient(clientId) {
      return (await readClient(clientId))?.client;
    },

    async verifyClientSecret(clientId, presentedSecret) {
      const stored = await readClient(clientId);
      if (stored?.secretHash === undefined) return false;
      return digestsEqual(stored.secretHash, sha256Hex(presentedSecret));
    },

    async deleteClient(clientId) {
      await ctx.run('deleteClient', () => client.del(keys.client(clientId)));
    },
  };
}
