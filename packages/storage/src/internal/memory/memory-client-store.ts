import type { ClientStore, OAuthClient } from '../../ports/client-store.js';
import { hashClientSecret, verifyClientSecretHash } from '../client-secret-hash.js';
import { publicClient } from '../records.js';
import { clone, type MemoryContext } from './memory-context.js';

interface ClientEntry {
  client: OAuthClient;
  secretHash: string | undefined;
  /** Whether the entry expires (a registration saved with a lifetime), so a use may extend it. */
  expires: boolean;
}

/** Clients in memory: static ones kept apart, never evicted; dynamic ones bounded by `maxClients`. */
export function createMemoryClientStore(ctx: MemoryContext, maxClients: number): ClientStore {
  const staticClients = new Map<string, ClientEntry>();
  ctx.onClear(() => staticClients.clear());
  const clients = ctx.expiringMap<string, ClientEntry>({ bound: { name: 'maxClients', max: maxClients } });
  const entryOf = (clientId: string): ClientEntry | undefined =>
    staticClients.get(clientId) ?? clients.get(clientId);

  return {
    async saveClient(client, options = {}) {
      const isStatic = client.static === true;
      const secretHash =
        client.clientSecret === undefined ? undefined : await hashClientSecret(client.clientSecret, isStatic);
      ctx.beforeWrite();
      const lifetime = isStatic ? undefined : options.lifetimeSeconds;
      const entry: ClientEntry = {
        client: publicClient(clone(client), client.clientSecret !== undefined),
        secretHash,
        expires: lifetime !== undefined,
      };
      if (isStatic) {
        clients.delete(client.clientId);
        staticClients.set(client.clientId, entry);
      } else {
        staticClients.delete(client.clientId);
        clients.set(client.clientId, entry, lifetime === undefined ? undefined : ctx.now() + lifetime * 1000);
      }
    },

    async touchClient(clientId, lifetimeSeconds) {
      if (clients.get(clientId)?.expires === true)
        clients.extend(clientId, ctx.now() + lifetimeSeconds * 1000);
    },

    async getClient(clientId) {
      const entry = entryOf(clientId);
      return entry === undefined ? undefined : clone(entry.client);
    },

    async verifyClientSecret(clientId, presentedSecret) {
      const entry = entryOf(clientId);
      if (entry?.secretHash === undefined) return false;
      return verifyClientSecretHash(entry.secretHash, presentedSecret);
    },

    async deleteClient(clientId) {
      staticClients.delete(clientId);
      clients.delete(clientId);
    },
  };
}
