import type { User, UserStore } from '../../ports/user-store.js';
import { clone, type MemoryContext } from './memory-context.js';

/** Users and the `(provider, subject) → user id` map in memory, each record with its own expiry. */
export function createMemoryUserStore(ctx: MemoryContext): UserStore {
  const users = ctx.expiringMap<string, User>();
  const identities = ctx.expiringMap<string, string>();
  // JSON, not a separator: ids may hold any character, and two pairs must never share a key.
  const identityKey = (providerName: string, subject: string): string =>
    JSON.stringify([providerName, subject]);

  return {
    async saveUser(user, expiresAt) {
      ctx.beforeWrite();
      if (expiresAt !== undefined && expiresAt <= ctx.now()) {
        users.delete(user.id);
        return;
      }
      users.set(user.id, clone(user), expiresAt);
    },

    async getUser(userId) {
      const user = users.get(userId);
      return user === undefined ? undefined : clone(user);
    },

    async getUserIdByProviderIdentity(providerName, upstreamSubject) {
      return identities.get(identityKey(providerName, upstreamSubject));
    },

    async linkProviderIdentity(providerName, upstreamSubject, userId, expiresAt) {
      ctx.beforeWrite();
      const key = identityKey(providerName, upstreamSubject);
      const existing = identities.get(key);
      if (existing === undefined) {
        if (expiresAt === undefined || expiresAt > ctx.now()) identities.set(key, userId, expiresAt);
        return { status: 'linked' };
      }
      return existing === userId
        ? { status: 'already-linked' }
        : { status: 'conflict', existingUserId: existing };
    },

    async retainUser(userId, until, linked) {
      if (until <= ctx.now()) return;
      users.extend(userId, until);
      for (const { providerName, upstreamSubject } of linked) {
        const key = identityKey(providerName, upstreamSubject);
        if (identities.get(key) === userId) identities.extend(key, until);
      }
    },
  };
}
