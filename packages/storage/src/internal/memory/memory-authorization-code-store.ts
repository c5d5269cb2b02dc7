import type {
  AuthorizationCodeRecord,
  AuthorizationCodeStore,
} from '../../ports/authorization-code-store.js';
import { sha256Hex } from '../hash.js';
import { clone, type MemoryContext } from './memory-context.js';

interface CodeEntry {
  record: AuthorizationCodeRecord;
  used: boolean;
}

/** Authorization codes in memory, keyed by the code's hash; kept (marked used) until expiry to detect reuse. */
export function createMemoryAuthorizationCodeStore(ctx: MemoryContext): AuthorizationCodeStore {
  const codes = ctx.expiringMap<string, CodeEntry>();
  return {
    async saveAuthorizationCode(code, record) {
      ctx.beforeWrite();
      codes.set(sha256Hex(code), { record: clone(record), used: false }, record.expiresAt);
    },

    async consumeAuthorizationCode(code) {
      const entry = codes.get(sha256Hex(code));
      if (entry === undefined) return { status: 'unknown' };
      const status = entry.used ? 'reused' : 'consumed';
      entry.used = true;
      return { status, record: clone(entry.record) };
    },
  };
}
