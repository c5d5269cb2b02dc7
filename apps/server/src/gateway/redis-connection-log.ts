import type { Logger } from '@auth/protocol';

/** A connection error is logged at warn at most this often; the others at debug. */
const WARN_INTERVAL_MS = 10_000;

/** What {@link logRedisConnection} listens to: an ioredis `Redis` or `Cluster`. */
interface RedisEvents {
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'ready', listener: () => void): unknown;
}

/**
 * Sends an ioredis client's connection errors to the logger as JSON (message and code only: ioredis
 * may put a command's arguments on its errors), at warn at most every 10 s. Without an `error`
 * listener ioredis prints "[ioredis] Unhandled error event" to the console on every retry.
 */
export function logRedisConnection(client: RedisEvents, logger: Logger): void {
  let warnedAt = Number.NEGATIVE_INFINITY;
  let failing = false;
  client.on('error', (error: Error) => {
    failing = true;
    // `code` at the top: the logger redacts `*.code` (authorization codes) one level down.
    const entry = {
      event: 'redis.connection_error',
      code: (error as { code?: unknown }).code,
      err: { message: error.message.slice(0, 200) },
    };
    const now = Date.now();
    if (now - warnedAt >= WARN_INTERVAL_MS) {
      warnedAt = now;
      logger.warn(entry, 'redis connection error');
    } else {
      logger.debug(entry, 'redis connection error');
    }
  });
  client.on('ready', () => {
    if (!failing) return;
    failing = false;
    warnedAt = Number.NEGATIVE_INFINITY;
    logger.info({ event: 'redis.connected' }, 'redis connected again');
  });
}
