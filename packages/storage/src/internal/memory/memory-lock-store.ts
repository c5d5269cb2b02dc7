import { randomUUID } from 'node:crypto';
import type { LockStore } from '../../ports/lock-store.js';
import type { MemoryContext } from './memory-context.js';

/** Locks in memory: one owner token per name until released or expired. */
export function createMemoryLockStore(ctx: MemoryContext): LockStore {
  const locks = ctx.expiringMap<string, string>();
  return {
    async tryAcquireLock(name, ttlMs) {
      if (locks.get(name) !== undefined) return undefined;
      const owner = randomUUID();
      locks.set(name, owner, ctx.now() + ttlMs);
      return owner;
    },

    async extendLock(name, ownerToken, ttlMs) {
      if (locks.get(name) !== ownerToken) return false;
      locks.set(name, ownerToken, ctx.now() + ttlMs);
      return true;
    },

    async releaseLock(name, ownerToken) {
      if (locks.get(name) === ownerToken) locks.delete(name);
    },
  };
}
