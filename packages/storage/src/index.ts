export * from './errors.js';
export type { StorageLogger } from './logger.js';
export { createMemoryStorage, type MemoryStorageOptions } from './memory-storage.js';
export type * from './ports/authorization-code-store.js';
export type * from './ports/client-store.js';
export type * from './ports/grant-store.js';
export type * from './ports/lock-store.js';
export type * from './ports/pending-authorization-store.js';
export type * from './ports/storage.js';
export type * from './ports/upstream-token-store.js';
export type * from './ports/user-store.js';
export {
  createRedisClient,
  type RedisClientSettings,
  type RedisConnectionOptions,
  type RedisStoreClientOptions,
  redisClientOptions,
} from './redis-client.js';
export { createRedisStorage, type RedisStorageOptions } from './redis-storage.js';
