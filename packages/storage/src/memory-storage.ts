import { type Logger, silentLogger } from '@auth/protocol';
import { InvalidStorageArgumentError, StorageUnavailableError } from './errors.js';
import { withArgumentChecks } from './internal/checked-storage.js';
import { createMemoryAuthorizationCodeStore } from './internal/memory/memory-authorization-code-store.js';
import { createMemoryClientStore } from './internal/memory/memory-client-store.js';
import { createMemoryContext } from './internal/memory/memory-context.js';
import { createMemoryGrantStore } from './internal/memory/memory-grant-store.js';
import { createMemoryLockStore } from './internal/memory/memory-lock-store.js';
import { createMemoryPendingAuthorizationStore } from './internal/memory/memory-pending-authorization-store.js';
import { createMemoryUpstreamTokenStore } from './internal/memory/memory-upstream-token-store.js';
import { createMemoryUserStore } from './internal/memory/memory-user-store.js';
import type { Storage } from './ports/storage.js';

/** Options of `createMemoryStorage`. */
export interface MemoryStorageOptions {
  /** Clock in epoch ms (tests inject one). Default `Date.now`. */
  now?: () => number;
  /** Most pending authorizations kept; the oldest is evicted first. Default 10 000. */
  maxPendingAuthorizations?: number;
  /** Most dynamically registered clients kept (static ones are not counted); oldest evicted first. Default 10 000. */
  maxClients?: number;
  /** How often expired entries are swept, in ms. Default 30 000. Reads expire entries lazily anyway. */
  sweepIntervalMs?: number;
  logger?: Logger;
  /** When true, warn once at creation that memory storage is not for production (the app decides). */
  warnOutsideTests?: boolean;
}

const SWEEP_BATCH = 10_000;

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidStorageArgumentError(`${name} must be a positive integer`);
  }
  return value;
}

/**
 * The embedded storage backend: everything in process memory, lost on restart,
 * not shared between replicas. Bounded, with expiry driven by a min-heap (docs/architecture.md#storage-rules).
 * One module per port (`internal/memory/`), sharing the clock and the sweep.
 */
export function createMemoryStorage(options: MemoryStorageOptions = {}): Storage {
  const now = options.now ?? Date.now;
  const logger = options.logger ?? silentLogger;
  const maxPending = positiveInteger(options.maxPendingAuthorizations, 10_000, 'maxPendingAuthorizations');
  const maxClients = positiveInteger(options.maxClients, 10_000, 'maxClients');
  const sweepIntervalMs = positiveInteger(options.sweepIntervalMs, 30_000, 'sweepIntervalMs');
  if (options.warnOutsideTests === true) {
    logger.warn(
      { storage: 'memory' },
      'memory storage is not for production: state is lost on restart and not shared between replicas; use Redis',
    );
  }

  const ctx = createMemoryContext(now, logger);
  const ports = {
    ...createMemoryClientStore(ctx, maxClients),
    ...createMemoryPendingAuthorizationStore(ctx, maxPending),
    ...createMemoryAuthorizationCodeStore(ctx),
    ...createMemoryGrantStore(ctx),
    ...createMemoryUserStore(ctx),
    ...createMemoryUpstreamTokenStore(ctx),
    ...createMemoryLockStore(ctx),
    ping: async (): Promise<void> => {},
  };
  const timer: NodeJS.Timeout = setInterval(() => ctx.sweep(SWEEP_BATCH), sweepIntervalMs);
  timer.unref();
  let closed = false;

  // After close() every call rejects, as on Redis: the emptied maps must not answer "not found".
  const whileOpen = Object.fromEntries(
    Object.entries(ports).map(([name, method]) => [
      name,
      (...args: unknown[]) =>
        closed
          ? Promise.reject(new StorageUnavailableError('the storage is closed'))
          : (method as (...a: unknown[]) => Promise<unknown>)(...args),
    ]),
  ) as unknown as typeof ports;

  const storage: Storage = {
    ...whileOpen,
    kind: 'memory',
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      ctx.clear();
    },
  };
  return withArgumentChecks(storage);
}
