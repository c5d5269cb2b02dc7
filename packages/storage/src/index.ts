// The logger port, defined once in @auth/protocol; this name stays for existing imports.
export type { Logger as StorageLogger } from '@auth/protocol';
export * from './errors.js';
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
