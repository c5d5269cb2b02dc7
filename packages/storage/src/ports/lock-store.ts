/** Short-lived mutual exclusion across gateway replicas (e.g. one upstream refresh at a time). */
export interface LockStore {
  /** Takes the lock for `ttlMs` if free; returns an owner token, or `undefined` when held by someone else. */
  tryAcquireLock(name: string, ttlMs: number): Promise<string | undefined>;
  /** Releases the lock only if `ownerToken` still holds it. */
  releaseLock(name: string, ownerToken: string): Promise<void>;
}
