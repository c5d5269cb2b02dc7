import type { User, UserStore } from '../../ports/user-store.js';
import { clone, type MemoryContext } from './memory-context.js';

/** Users and the `(provider, subject) → user id` map in memory; never expire. */
export function createMemoryUserStore(ctx: MemoryContext): UserStore {
  const users = new Map<string, User>();
  const identities = new Map<string, string>();
  ctx.onClear(() => {
    users.clear();
    identities.clear();
  });
  // JSON, not a separator: ids may hold any character, and two pairs must never share a key.
  const identityKey = (providerName: string, subject: string): string =>
    JSON.stringify([providerName, subject]);

  return {
    async saveUser(user) {
      users.set(user.id, clone(user));
    },

    async getUser(userId) {
      const user = users.get(userId);
      return user === undefined ? undefined : clone(user);
    },

    async getUserIdByProviderIdentity(providerName, upstreamSubject) {
      return identities.get(identityKey(providerName, upstreamSubject));
    },

    async linkProviderIdentity(providerName, upstreamSubject, userId) {
      const key = identityKey(providerName, upstreamSubject);
      const existing = identities.get(key);
      if (existing === undefined) {
        identities.set(key, userId);
        return { status: 'linked' };
      }
      return existing === userId
        ? { status: 'already-linked' }
        : { status: 'conflict', existingUserId: existing };
    },
  };
}
