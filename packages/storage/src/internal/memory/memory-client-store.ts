import type { ClientStore, OAuthClient } from '../../ports/client-store.js';
import { digestsEqual, sha256Hex } from '../hash.js';
import { publicClient } from '../records.js';
import { clone, type MemoryContext } from './memory-context.js';

interface ClientEntry {
  client: OAuthClient;
  secretHash: string | undefined;
}

/** Clients in memory: static ones kept apart, never evicted; dynamic ones bounded by `maxClients`. */
export function createMemoryClientStore(ctx: MemoryContext, maxClients: number): ClientStore {
  const staticClients = new Map<string, ClientEntry>();
  ctx.onClear(() => staticClients.clear());
  const clients = ctx.expiringMap<string, ClientEntry>({ bound: { name: 'maxClients', max: maxClients } });
  const entryOf = (clientId: string): ClientEntry | undefined =>
    staticClients.get(clientId) ?? clients.get(clientId);

  return {
    async saveClient(client) {
      ctx.beforeWrite();
      const entry: ClientEntry = {
        client: publicClient(clone(client), client.clientSecret !== undefined),
        secretHash: client.clientSecret === undefined ? undefined : sha256Hex(client.clientSecret),
      };
      if (client.static === true) {
        clients.delete(client.clientId);
        staticClients.set(client.clientId, entry);
      } else {
        staticClients.delete(client.clientId);
        clients.set(client.clientId, entry, undefined);
      }
    },

    async getClient(clientId) {
      const entry = entryOf(clientId);
      return entry === undefined ? undefined : clone(entry.client);
    },

    async verifyClientSecret(clientId, presentedSecret) {
      const entry = entryOf(clientId);
      if (entry?.secretHash === undefined) return false;
      return digestsEqual(entry.secretHash, sha256Hex(presentedSecret));
    },

    async deleteClient(clientId) {
      staticClients.delete(clientId);
      clients.delete(clientId);
    },
  };
}
