import { createServer, type RequestListener, type Server } from 'node:http';
import type { ServerConfig } from '@auth/config';
import type { Logger } from '@auth/protocol';
import { trackResponses } from './graceful-shutdown.js';

/** How often a dropped connection may be logged, at most. */
const DROP_LOG_INTERVAL_MS = 10_000;

/**
 * The gateway's HTTP server, bounded as `settings` say (docs/architecture.md#the-reference-server):
 * a client has `headersTimeout` to send its headers and `requestTimeout` to send the whole
 * request, else 408 and the connection closes. Node's request timeout covers receiving the
 * request only, so responses such as server-sent event streams stay open as long as they run.
 * Idle kept-alive connections close after `keepAliveTimeout`; a connection beyond
 * `maxConnections` is closed as soon as it is accepted (with a warning, at most every 10 s).
 * Its responses are tracked for {@link shutdownGracefully}.
 */
export function createHttpServer(handler: RequestListener, settings: ServerConfig, logger: Logger): Server {
  const headersTimeout = settings.headersTimeout * 1000;
  const requestTimeout = settings.requestTimeout * 1000;
  const server = createServer(
    {
      headersTimeout,
      requestTimeout,
      keepAliveTimeout: settings.keepAliveTimeout * 1000,
      // Node checks the two timeouts on this interval (30 s by default): check often enough that
      // a short timeout means what it says.
      connectionsCheckingInterval: Math.min(1_000, Math.min(headersTimeout, requestTimeout) / 2),
    },
    handler,
  );
  server.keepAliveTimeout = settings.keepAliveTimeout * 1000;
  server.maxConnections = settings.maxConnections;
  let dropped = 0;
  let loggedAt = 0;
  server.on('drop', () => {
    dropped += 1;
    const now = Date.now();
    if (now - loggedAt < DROP_LOG_INTERVAL_MS) return;
    logger.warn({ maxConnections: settings.maxConnections, dropped }, 'connection limit reached');
    loggedAt = now;
    dropped = 0;
  });
  trackResponses(server);
  return server;
}
