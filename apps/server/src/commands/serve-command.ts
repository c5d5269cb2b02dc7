import { once } from 'node:events';
import type { Server } from 'node:http';
import { loadConfig } from '@auth/config';
import type { Logger } from 'pino';
import { configWarnings } from '../gateway/config-warnings.js';
import { createGateway, type Gateway } from '../gateway/create-gateway.js';
import { shutdownGracefully } from '../gateway/graceful-shutdown.js';
import { createHttpServer } from '../gateway/http-server.js';

/** A running gateway process. */
export interface RunningServer {
  url: string;
  server: Server;
  gateway: Gateway;
  /**
   * Graceful stop: refuse new connections, finish in-flight requests and close each connection after
   * its response (within `server.shutdown_grace`), close storage.
   */
  stop(): Promise<void>;
}

/** Listens on the issuer's host and port (port 0 allowed for tests). */
export async function serveCommand(
  configPath: string,
  options: { env: Record<string, string | undefined>; logger: Logger; port?: number; host?: string },
): Promise<RunningServer> {
  const config = await loadConfig(configPath, { env: options.env });
  for (const warning of configWarnings(config)) options.logger.warn({ event: 'config.warning' }, warning);
  const gateway = await createGateway({ config, logger: options.logger });
  const issuer = new URL(config.issuer);
  const port = options.port ?? Number(issuer.port || (issuer.protocol === 'https:' ? 443 : 80));
  const host =
    options.host ?? (issuer.hostname === 'localhost' ? '127.0.0.1' : issuer.hostname.replace(/^\[|\]$/g, ''));
  // Timeouts and the connection cap from `server:`; the request timeout bounds receiving a request,
  // never a response, so server-sent event streams stay open.
  const server = createHttpServer(gateway.app, config.server, options.logger);
  server.listen(port, host);
  await once(server, 'listening');
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const url = `${issuer.protocol}//${issuer.hostname}:${actualPort}`;
  options.logger.info({ url, upstreams: config.upstreams.map((u) => u.name) }, 'auth-server listening');
  return {
    url,
    server,
    gateway,
    async stop() {
      const outcome = await shutdownGracefully(
        server,
        () => gateway.close(),
        config.server.shutdownGrace * 1000,
      );
      options.logger.info({ outcome }, 'auth-server stopped');
    },
  };
}
