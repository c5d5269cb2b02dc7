import type { AuthorizationCodeStore } from './authorization-code-store.js';
import type { ClientStore } from './client-store.js';
import type { GrantStore } from './grant-store.js';
import type { LockStore } from './lock-store.js';
import type { PendingAuthorizationStore } from './pending-authorization-store.js';
import type { UpstreamTokenStore } from './upstream-token-store.js';
import type { UserStore } from './user-store.js';

/** Everything the authorization server, identity and the gateway persist. */
export interface Storage
  extends ClientStore,
    PendingAuthorizationStore,
    AuthorizationCodeStore,
    GrantStore,
    UserStore,
    UpstreamTokenStore,
    LockStore {
  /** Which backend this is. */
  readonly kind: 'memory' | 'redis';
  /** Resolves when the backend answers; rejects with `StorageUnavailableError` otherwise (for `/readyz`). */
  ping(): Promise<void>;
  /** Releases connections and timers. A store it did not create (a passed-in Redis client) is left open. */
  close(): Promise<void>;
}
