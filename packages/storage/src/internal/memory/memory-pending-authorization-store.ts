import type {
  PendingAuthorization,
  PendingAuthorizationStore,
} from '../../ports/pending-authorization-store.js';
import { clone, type MemoryContext } from './memory-context.js';

/** Pending authorizations in memory, bounded by `maxPending` (oldest evicted first). */
export function createMemoryPendingAuthorizationStore(
  ctx: MemoryContext,
  maxPending: number,
): PendingAuthorizationStore {
  const pending = ctx.expiringMap<string, PendingAuthorization>({
    bound: { name: 'maxPendingAuthorizations', max: maxPending },
  });
  return {
    async savePendingAuthorization(value) {
      ctx.beforeWrite();
      pending.set(value.id, clone(value), value.expiresAt);
    },

    async consumePendingAuthorization(id) {
      const value = pending.get(id);
      if (value === undefined) return undefined;
      pending.delete(id);
      return value;
    },
  };
}
