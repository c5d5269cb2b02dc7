import type { StorageConfig } from '@auth/config';
import {
  createMemoryStorage,
  createRedisClient,
  createRedisStorage,
  type RedisConnectionOptions,
  type Storage,
} from '@auth/storage';
import type { Logger } from 'pino';
import { logRedisConnection } from './redis-connection-log.js';

/** A storage backend and how to release it (the Redis client the gateway created, included). */
export interface OwnedStorage {
  storage: Storage;
  /** The Redis client of a Redis storage (the abuse limits count there too). */
  redis?: ReturnType<typeof createRedisClient>;
  close(): Promise<void>;
}

/** Decodes a 32-byte key given as hex or base64 (`@auth/config` checked its length). */
function decodeKey(text: string): Buffer {
  return /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
}

function connectionOf(config: Extract<StorageConfig, { type: 'redis' }>): RedisConnectionOptions {
  if (config.sentinel) {
    const password = config.sentinel.password?.reveal();
    return {
      sentinel: {
        name: config.sentinel.name,
        sentinels: config.sentinel.sentinels,
        ...(password ? { sentinelPassword: password } : {}),
      },
      ...(password ? { password } : {}),
    };
  }
  if (config.cluster) {
    const password = config.cluster.password?.reveal();
    return { cluster: { nodes: config.cluster.nodes }, ...(password ? { password } : {}) };
  }
  if (!config.url) throw new Error('storage.url is required for a single-node Redis');
  return { url: config.url.reveal() };
}

/** Builds the storage backend the config asks for: memory, or Redis (single node, Sentinel or Cluster). */
export function createStorageFromConfig(
  config: StorageConfig,
  options: { logger: Logger; warnOnMemory: boolean },
): OwnedStorage {
  if (config.type === 'memory') {
    const storage = createMemoryStorage({ logger: options.logger, warnOutsideTests: options.warnOnMemory });
    return { storage, close: () => storage.close() };
  }
  const client = createRedisClient(connectionOf(config));
  logRedisConnection(client, options.logger);
  const storage = createRedisStorage({
    client,
    keyPrefix: config.keyPrefix,
    logger: options.logger,
    ...(config.encryptionKey ? { encryptionKey: decodeKey(config.encryptionKey.reveal()) } : {}),
    // Rotation: records written under a former key are still read; every write uses the current one.
    previousEncryptionKeys: config.previousEncryptionKeys.map((key) => decodeKey(key.reveal())),
    // Writes a session depends on count once this many replicas acknowledged them (a failover keeps them).
    waitForReplicas: config.waitForReplicas,
    waitTimeoutMs: config.waitTimeoutMs,
  });
  return {
    storage,
    redis: client,
    async close() {
      await storage.close();
      await client.quit().catch(() => client.disconnect());
    },
  };
}
