import { Cluster, Redis } from 'ioredis';
import { InvalidStorageArgumentError } from './errors.js';

/** Where Redis is: one node by URL, a Sentinel-managed master, or a Cluster. */
export type RedisConnectionOptions =
  | { url: string }
  | {
      sentinel: {
        /** The master group name Sentinel knows. */
        name: string;
        sentinels: Array<{ host: string; port: number }>;
        /** Password of the Sentinels themselves, if they require one. */
        sentinelPassword?: string;
      };
      /** Password of the Redis master and replicas. */
      password?: string;
    }
  | { cluster: { nodes: Array<{ host: string; port: number }> }; password?: string };

/** Client settings that turn an outage into a prompt error instead of a hang. */
export interface RedisClientSettings {
  /** Per-command timeout in ms. Default 2000. */
  commandTimeoutMs?: number;
  /**
   * Send the commands issued in one event-loop tick as one pipeline (ioredis auto-pipelining).
   * Default true: under concurrent requests it cuts the client's and the server's per-command cost.
   */
  autoPipelining?: boolean;
}

/** The ioredis options `redisClientOptions` returns. */
export interface RedisStoreClientOptions {
  commandTimeout: number;
  connectTimeout: number;
  maxRetriesPerRequest: number;
  enableOfflineQueue: boolean;
  retryStrategy: (times: number) => number;
  enableAutoPipelining: boolean;
}

/**
 * ioredis options for a session store: bounded command time, one retry per command,
 * commands queued only while (re)connecting, reconnect backoff capped at one second.
 */
export function redisClientOptions(settings: RedisClientSettings = {}): RedisStoreClientOptions {
  const commandTimeout = settings.commandTimeoutMs ?? 2000;
  return {
    commandTimeout,
    connectTimeout: Math.max(commandTimeout, 1000),
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    retryStrategy: (times: number) => Math.min(times * 100, 1000),
    enableAutoPipelining: settings.autoPipelining ?? true,
  };
}

/**
 * Creates an ioredis client (single node, Sentinel or Cluster) with the settings of
 * `redisClientOptions`, for `createRedisStorage({ client })`. The caller owns it.
 */
export function createRedisClient(
  connection: RedisConnectionOptions,
  settings: RedisClientSettings = {},
): Redis | Cluster {
  const options = redisClientOptions(settings);
  if ('url' in connection) {
    if (!/^rediss?:\/\//.test(connection.url)) {
      throw new InvalidStorageArgumentError('url must start with redis:// or rediss://');
    }
    return new Redis(connection.url, options);
  }
  if ('sentinel' in connection) {
    const { name, sentinels, sentinelPassword } = connection.sentinel;
    if (sentinels.length === 0) throw new InvalidStorageArgumentError('sentinel.sentinels must not be empty');
    return new Redis({
      ...options,
      name,
      sentinels,
      // Follow a failover at once: watch +switch-master on the Sentinels, and drop the
      // connection when a demoted master answers READONLY.
      failoverDetector: true,
      reconnectOnError: (error: Error) => error.message.startsWith('READONLY'),
      ...(sentinelPassword === undefined ? {} : { sentinelPassword }),
      ...(connection.password === undefined ? {} : { password: connection.password }),
    });
  }
  if (connection.cluster.nodes.length === 0) {
    throw new InvalidStorageArgumentError('cluster.nodes must not be empty');
  }
  const { retryStrategy: _retry, enableOfflineQueue: _queue, ...nodeOptions } = options;
  return new Cluster(connection.cluster.nodes, {
    redisOptions: {
      ...nodeOptions,
      ...(connection.password === undefined ? {} : { password: connection.password }),
    },
    enableOfflineQueue: true,
    enableAutoPipelining: options.enableAutoPipelining,
    clusterRetryStrategy: (times: number) => Math.min(times * 100, 1000),
  });
}
