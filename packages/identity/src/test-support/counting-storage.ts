import type { LockStore, UpstreamTokenStore } from '@auth/storage';

/** Counts the calls that reach a real store, per method (a wrapper, not a mock). */
export function countCalls<T extends UpstreamTokenStore & LockStore>(
  store: T,
): { storage: UpstreamTokenStore & LockStore; calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  const methods = [
    'storeUpstreamTokens',
    'replaceUpstreamTokens',
    'getUpstreamTokens',
    'getAllUpstreamTokens',
    'getUpstreamTokensFor',
    'deleteUpstreamTokens',
    'deleteUpstreamTokensForProvider',
    'tryAcquireLock',
    'extendLock',
    'releaseLock',
  ] as const;
  const storage = {} as Record<string, unknown>;
  for (const method of methods) {
    const original = store[method].bind(store) as (...args: unknown[]) => unknown;
    storage[method] = (...args: unknown[]) => {
      calls[method] = (calls[method] ?? 0) + 1;
      return original(...args);
    };
  }
  return { storage: storage as unknown as UpstreamTokenStore & LockStore, calls };
}
