import type { Grant, GrantStore } from '../../ports/grant-store.js';
import { sha256Hex } from '../hash.js';
import { grantIdOfRefreshToken } from '../refresh-token.js';
import { clone, type MemoryContext } from './memory-context.js';

interface GrantEntry {
  grant: Grant;
  /** Hash of the current refresh token. */
  current: string | undefined;
  /** Hashes of every refresh token of the family, current and rotated. */
  family: Set<string>;
}

/** Grants and their refresh-token families in memory. */
export function createMemoryGrantStore(ctx: MemoryContext): GrantStore {
  // A refresh token names its grant (`<grantId>.<secret>`), so no token → grant index is kept.
  const grants = ctx.expiringMap<string, GrantEntry>();

  /** The grant a refresh token (current or rotated) belongs to, with the token's hash. */
  const grantOfRefreshToken = (
    refreshToken: string,
  ): { grantId: string; entry: GrantEntry; hash: string } | undefined => {
    const grantId = grantIdOfRefreshToken(refreshToken);
    const entry = grantId === undefined ? undefined : grants.get(grantId);
    const hash = sha256Hex(refreshToken);
    if (grantId === undefined || entry === undefined || !entry.family.has(hash)) return undefined;
    return { grantId, entry, hash };
  };

  return {
    async saveGrant(grant, refreshToken) {
      ctx.beforeWrite();
      const existing = grants.get(grant.grantId);
      const entry: GrantEntry = existing ?? { grant, current: undefined, family: new Set() };
      entry.grant = clone(grant);
      if (refreshToken !== undefined) {
        const hash = sha256Hex(refreshToken);
        entry.current = hash;
        entry.family.add(hash);
      }
      grants.set(grant.grantId, entry, grant.expiresAt);
    },

    async getGrant(grantId) {
      const entry = grants.get(grantId);
      return entry === undefined ? undefined : clone(entry.grant);
    },

    async rotateRefreshToken(presentedRefreshToken, nextRefreshToken) {
      const found = grantOfRefreshToken(presentedRefreshToken);
      if (found === undefined) return { status: 'invalid' };
      const { grantId, entry, hash } = found;
      if (entry.current !== hash) {
        // RFC 9700 §4.14.2: reuse of a rotated refresh token revokes the whole family.
        grants.delete(grantId);
        return { status: 'reused', grant: clone(entry.grant) };
      }
      const next = sha256Hex(nextRefreshToken);
      entry.current = next;
      entry.family.add(next);
      return { status: 'rotated', grant: clone(entry.grant) };
    },

    async findGrantByRefreshToken(refreshToken) {
      const found = grantOfRefreshToken(refreshToken);
      return found === undefined ? undefined : clone(found.entry.grant);
    },

    async inspectRefreshToken(refreshToken) {
      const found = grantOfRefreshToken(refreshToken);
      if (found === undefined) return undefined;
      return { grant: clone(found.entry.grant), current: found.entry.current === found.hash };
    },

    async revokeGrant(grantId) {
      grants.delete(grantId);
    },
  };
}
