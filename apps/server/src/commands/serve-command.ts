import { once } from 'node:events';
import type { Server } from 'node:http';
import { loadConfig } from '@auth/config';
import type { Logger } from 'pino';
import { configWarnings } from '../gateway/config-warnings.js';
import { createGateway, type Gateway } from '../gateway/create-gateway.js';
import { shutdownGracefully } from '../gateway/graceful-shutdown.js';

/** A running gateway process. */
export interface RunningServer {
  url: string;
  server: Server;
  gateway: Gateway;
  /** Graceful stop: refuse new connections, finish in-flight requests, close storage. */
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
  const server = gateway.app.listen(port, host);
  await once(server, 'listening');
  // Long-lived SSE streams must not be cut by the default request timeout.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const url = `${issuer.protocol}//${issuer.hostname}:${actualPort}`;
  options.logger.info({ url, upstreams: config.upstreams.map((u) => u.name) }, 'auth-server listening');
  return {
    url,
    server,
    gateway,
    async stop() {
      const outcome = await shutdownGracefully(server, () => gateway.close());
      options.logger.info({ outcome }, 'auth-server stopped');
    },
  };
}
