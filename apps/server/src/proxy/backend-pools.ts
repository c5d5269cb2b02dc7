import type { ProxyConfig } from '@auth/config';
import { Pool } from 'undici';

/** One pool of kept-alive connections per backend origin, shared by the routes that proxy to it. */
export interface BackendPools {
  /** The pool for `backend`'s origin (created on first use). */
  poolFor(backend: URL): Pool;
  /** Closes every pool: idle connections at once, busy ones when their response ends. */
  close(): Promise<void>;
}

/**
 * Creates the proxy's connection pools (undici `Pool`): bounded to
 * `maxConnections` per origin, with connect, response-header and idle timeouts
 * from the config. Response bodies have no timeout: server-sent event streams
 * stay open as long as the backend and the client keep them.
 */
export function createBackendPools(config: ProxyConfig): BackendPools {
  const pools = new Map<string, Pool>();
  return {
    poolFor(backend) {
      let pool = pools.get(backend.origin);
      if (pool === undefined) {
        pool = new Pool(backend.origin, {
          connections: config.maxConnections,
          connect: { timeout: config.connectTimeout * 1000 },
          headersTimeout: config.responseTimeout * 1000,
          bodyTimeout: 0,
          keepAliveTimeout: config.idleTimeout * 1000,
          keepAliveMaxTimeout: config.idleTimeout * 1000,
        });
        pools.set(backend.origin, pool);
      }
      return pool;
    },
    async close() {
      const closing = [...pools.values()].map((pool) => pool.close());
      pools.clear();
      await Promise.all(closing);
    },
  };
}
