import type { UpstreamTokenStore, UpstreamTokens } from '../../ports/upstream-token-store.js';
import { upstreamEvictionTime } from '../upstream-tokens.js';
import type { MemoryContext } from './memory-context.js';

interface UpstreamEntry {
  sessionId: string;
  providerName: string;
  tokens: Readonly<UpstreamTokens>;
}

/** Upstream tokens in memory, keyed by `(session, provider)`, with a per-session index. */
export function createMemoryUpstreamTokenStore(ctx: MemoryContext): UpstreamTokenStore {
  const sessionIndex = new Map<string, Set<string>>();
  ctx.onClear(() => sessionIndex.clear());
  const unindex = (sessionId: string, providerName: string): void => {
    const providers = sessionIndex.get(sessionId);
    if (providers === undefined) return;
    providers.delete(providerName);
    if (providers.size === 0) sessionIndex.delete(sessionId);
  };
  const upstream = ctx.expiringMap<string, UpstreamEntry>({
    onRemove: (_key, entry) => unindex(entry.sessionId, entry.providerName),
  });
  // JSON, not a separator: ids may hold any character, and two pairs must never share a key.
  const upstreamKey = (sessionId: string, providerName: string): string =>
    JSON.stringify([sessionId, providerName]);

  const store: UpstreamTokenStore = {
    async storeUpstreamTokens(sessionId, providerName, tokens) {
      ctx.beforeWrite();
      const key = upstreamKey(sessionId, providerName);
      const evictAt = upstreamEvictionTime(tokens);
      if (evictAt !== undefined && evictAt <= ctx.now()) {
        upstream.delete(key);
        unindex(sessionId, providerName);
        return;
      }
      // Stored frozen and handed out as is: the protected path reads it on every request, a copy per read is waste.
      upstream.set(key, { sessionId, providerName, tokens: Object.freeze({ ...tokens }) }, evictAt);
      let providers = sessionIndex.get(sessionId);
      if (providers === undefined) {
        providers = new Set();
        sessionIndex.set(sessionId, providers);
      }
      providers.add(providerName);
    },

    async replaceUpstreamTokens(sessionId, providerName, tokens) {
      if (upstream.get(upstreamKey(sessionId, providerName)) === undefined) return false;
      await store.storeUpstreamTokens(sessionId, providerName, tokens);
      return true;
    },

    async setUpstreamSessionExpiry(sessionId, sessionExpiresAt, options = {}) {
      ctx.beforeWrite();
      let remaining = 0;
      for (const providerName of [...(sessionIndex.get(sessionId) ?? [])]) {
        const key = upstreamKey(sessionId, providerName);
        const entry = upstream.get(key);
        if (entry === undefined) continue;
        const { provisional: _provisional, ...settled } = entry.tokens;
        // A new frozen record: one handed out earlier is never changed under its reader.
        const tokens: Readonly<UpstreamTokens> = Object.freeze(
          options.provisional === true
            ? { ...settled, sessionExpiresAt, provisional: true }
            : { ...settled, sessionExpiresAt },
        );
        const evictAt = upstreamEvictionTime(tokens) as number;
        if (evictAt <= ctx.now()) {
          upstream.delete(key);
          unindex(sessionId, providerName);
          continue;
        }
        upstream.set(key, { sessionId, providerName, tokens }, evictAt);
        remaining++;
      }
      return remaining;
    },

    async getUpstreamTokens(sessionId, providerName) {
      const entry = upstream.get(upstreamKey(sessionId, providerName));
      return entry === undefined ? undefined : entry.tokens;
    },

    async getAllUpstreamTokens(sessionId) {
      const result: Record<string, Readonly<UpstreamTokens>> = {};
      for (const providerName of [...(sessionIndex.get(sessionId) ?? [])]) {
        const entry = upstream.get(upstreamKey(sessionId, providerName));
        if (entry !== undefined) result[providerName] = entry.tokens;
      }
      return result;
    },

    async getUpstreamTokensFor(sessionId, providerNames) {
      const result: Record<string, Readonly<UpstreamTokens>> = {};
      for (const providerName of providerNames) {
        const entry = upstream.get(upstreamKey(sessionId, providerName));
        if (entry !== undefined) result[providerName] = entry.tokens;
      }
      return result;
    },

    async deleteUpstreamTokens(sessionId) {
      for (const providerName of sessionIndex.get(sessionId) ?? []) {
        upstream.delete(upstreamKey(sessionId, providerName));
      }
      sessionIndex.delete(sessionId);
    },

    async deleteUpstreamTokensForProvider(sessionId, providerName) {
      upstream.delete(upstreamKey(sessionId, providerName));
      unindex(sessionId, providerName);
    },
  };
  return store;
}
