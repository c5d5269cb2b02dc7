/** Short-lived mutual exclusion across gateway replicas (e.g. one upstream refresh at a time). */
export interface LockStore {
  /** Takes the lock for `ttlMs` if free; returns an owner token, or `undefined` when held by someone else. */
  tryAcquireLock(name: string, ttlMs: number): Promise<string | undefined>;
  /**
   * Compare-and-extend: when `ownerToken` still holds the lock, it now expires `ttlMs` from now and
   * this resolves `true`; otherwise (expired, released, taken by another) nothing changes and it
   * resolves `false`. Atomic; one Redis round trip. A holder renews its lock with it while its work
   * runs, so the lock can be short: a holder that dies leaves it for at most one `ttlMs`.
   */
  extendLock(name: string, ownerToken: string, ttlMs: number): Promise<boolean>;
  /** Releases the lock only if `ownerToken` still holds it. */
  releaseLock(name: string, ownerToken: string): Promise<void>;
}
