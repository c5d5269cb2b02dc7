import { type Logger, silentLogger } from '@auth/protocol';
import type { Cluster, Redis } from 'ioredis';
import { InvalidStorageArgumentError } from './errors.js';
import { withArgumentChecks } from './internal/checked-storage.js';
import { createRecordCodec } from './internal/record-codec.js';
import { createRedisAuthorizationCodeStore } from './internal/redis/redis-authorization-code-store.js';
import { createRedisClientStore } from './internal/redis/redis-client-store.js';
import { createRedisContext } from './internal/redis/redis-context.js';
import { createRedisGrantStore } from './internal/redis/redis-grant-store.js';
import { createRedisKeys } from './internal/redis/redis-keys.js';
import { createRedisLockStore } from './internal/redis/redis-lock-store.js';
import { createRedisPendingAuthorizationStore } from './internal/redis/redis-pending-authorization-store.js';
import { createRedisUpstreamTokenStore } from './internal/redis/redis-upstream-token-store.js';
import { createRedisUserStore } from './internal/redis/redis-user-store.js';
import type { Storage } from './ports/storage.js';
import { createRedisClient } from './redis-client.js';

/** Options of `createRedisStorage`: pass either `client` or `url`. */
export interface RedisStorageOptions {
  /**
   * An ioredis `Redis` (single node or Sentinel) or `Cluster` client; left open by `close()`.
   * `createRedisClient` builds one with outage-friendly settings. Must not set ioredis `keyPrefix`.
   */
  client?: Redis | Cluster;
  /** `redis://` / `rediss://` URL: the storage creates its own client and `close()` quits it. */
  url?: string;
  /** Prefix of every key, e.g. `auth:`; no braces (they would become the cluster hash tag). */
  keyPrefix: string;
  /** 32 bytes: AES-256-GCM encryption of every stored record. */
  encryptionKey?: Buffer;
  /** Former encryption keys, still accepted for reading (key rotation); new writes use `encryptionKey`. */
  previousEncryptionKeys?: Buffer[];
  /** Every operation rejects with `StorageUnavailableError` after this many ms. Default 2000. */
  commandTimeoutMs?: number;
  /**
   * Replicas that must acknowledge (`WAIT`) each write a session depends on (upstream tokens of a
   * leg, session lifetimes, codes, grants, user retention) before it counts; fewer within
   * `waitTimeoutMs` and the write fails with `StorageUnavailableError`. Default 0 (no `WAIT`: a
   * single node). With Sentinel, 1 keeps logins across a failover.
   */
  waitForReplicas?: number;
  /**
   * How long a write waits for those replicas, in ms; below `commandTimeoutMs` when WAIT is on.
   * Default 500 (half the command timeout when that is under 1000).
   */
  waitTimeoutMs?: number;
  logger?: Logger;
  /** Clock in epoch ms used to turn expiry times into TTLs. Default `Date.now`. */
  now?: () => number;
}

/**
 * Redis backend over ioredis (single node, Sentinel or Cluster). Multi-key operations
 * are Lua scripts (one round trip, atomic); records can be encrypted at rest; any
 * Redis failure becomes `StorageUnavailableError` within `commandTimeoutMs` (docs/architecture.md#storage-rules).
 * One module per port (`internal/redis/`), sharing the client, key layout and codec.
 */
export function createRedisStorage(options: RedisStorageOptions): Storage {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidStorageArgumentError('createRedisStorage needs an options object');
  }
  const keys = createRedisKeys(options.keyPrefix);
  const codec = createRecordCodec(options.encryptionKey, options.previousEncryptionKeys);
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  const timeoutMs = options.commandTimeoutMs ?? 2000;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) {
    throw new InvalidStorageArgumentError('commandTimeoutMs must be a positive integer');
  }
  const waitForReplicas = options.waitForReplicas ?? 0;
  if (!Number.isInteger(waitForReplicas) || waitForReplicas < 0) {
    throw new InvalidStorageArgumentError('waitForReplicas must be a non-negative integer');
  }
  // The default WAIT timeout stays below a short command timeout; an explicit one is checked
  // only when WAIT is on (with it off, no write waits).
  const waitTimeoutMs = options.waitTimeoutMs ?? Math.max(1, Math.min(500, Math.floor(timeoutMs / 2)));
  if (
    !Number.isInteger(waitTimeoutMs) ||
    waitTimeoutMs < 1 ||
    (waitForReplicas > 0 && waitTimeoutMs >= timeoutMs)
  ) {
    throw new InvalidStorageArgumentError('waitTimeoutMs must be a positive integer below commandTimeoutMs');
  }
  if ((options.client === undefined) === (options.url === undefined)) {
    throw new InvalidStorageArgumentError('pass exactly one of client or url');
  }
  const ownsClient = options.client === undefined;
  const client: Redis | Cluster =
    options.client ?? createRedisClient({ url: options.url as string }, { commandTimeoutMs: timeoutMs });
  const clientKeyPrefix = (client as { options?: { keyPrefix?: string } }).options?.keyPrefix;
  if (clientKeyPrefix !== undefined && clientKeyPrefix !== '') {
    throw new InvalidStorageArgumentError(
      'the ioredis client must not set keyPrefix; use the keyPrefix option',
    );
  }
  if (ownsClient) {
    // Without a listener ioredis reports connection errors as unhandled 'error' events.
    client.on('error', (error: Error) =>
      logger.debug({ err: { message: error.message } }, 'redis connection error'),
    );
  }
  const ctx = createRedisContext({
    client,
    keys,
    codec,
    logger,
    now,
    timeoutMs,
    waitForReplicas,
    waitTimeoutMs,
  });
  let closed = false;

  const storage: Storage = {
    kind: 'redis',
    ...createRedisClientStore(ctx),
    ...createRedisPendingAuthorizationStore(ctx),
    ...createRedisAuthorizationCodeStore(ctx),
    ...createRedisGrantStore(ctx),
    ...createRedisUserStore(ctx),
    ...createRedisUpstreamTokenStore(ctx),
    ...createRedisLockStore(ctx),

    async ping() {
      await ctx.run('ping', () => client.ping());
    },

    async close() {
      if (closed) return;
      closed = true;
      ctx.markClosed();
      if (!ownsClient) return;
      try {
        await Promise.race([client.quit(), new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
      } catch {
        // Quitting a client that never connected fails; disconnecting below is enough.
      }
      client.disconnect();
    },
  };
  return withArgumentChecks(storage);
}
