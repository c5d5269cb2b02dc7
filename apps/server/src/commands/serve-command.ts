import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { ConfigError, formatIssue, type GatewayConfig, type ListenAddress, loadConfig } from '@auth/config';
import { StorageError } from '@auth/storage';
import type { Logger } from 'pino';
import { configWarnings } from '../gateway/config-warnings.js';
import { createGateway, type Gateway } from '../gateway/create-gateway.js';
import { createStorageFromConfig } from '../gateway/create-storage-from-config.js';
import { shutdownGracefully } from '../gateway/graceful-shutdown.js';
import { createHttpServer } from '../gateway/http-server.js';
import { waitForStorage, waitForUpstreams } from '../gateway/startup-checks.js';
import { metricsApp } from '../metrics/metrics-app.js';
import { LISTEN_ENV, listenUrl, resolveListenAddress } from './listen-address.js';
import { StartupError } from './startup-error.js';

/** A running gateway process. */
export interface RunningServer {
  /** Where the socket listens, as plain HTTP (`http://0.0.0.0:8080`), with the port actually bound. */
  url: string;
  /** The public URL, as configured (`https://auth.example.com`). */
  issuer: string;
  /** The metrics' URL on their own listener (`metrics.listen`), when there is one. */
  metricsUrl: string | undefined;
  server: Server;
  gateway: Gateway;
  /**
   * Graceful stop: refuse new connections, finish in-flight requests and close each connection after
   * its response (within `server.shutdown_grace`), close storage.
   */
  stop(): Promise<void>;
}

/** Options of {@link serveCommand}. */
export interface ServeOptions {
  env: Record<string, string | undefined>;
  logger: Logger;
  /** `--listen HOST:PORT`: before `AUTH_SERVER_LISTEN` and `server.listen`. */
  listen?: string;
  /** `--port N` (0 allowed, for tests): this port on the host the other sources give. */
  port?: number;
}

/** How long closing a gateway that failed to start may take before the process gives up on it. */
const FAILED_CLOSE_MS = 2_000;

/** Waits for `closing` at most {@link FAILED_CLOSE_MS}, ignoring its failure: the process is exiting. */
async function bounded(closing: Promise<void>): Promise<void> {
  await Promise.race([
    closing.catch(() => {}),
    new Promise((resolve) => setTimeout(resolve, FAILED_CLOSE_MS).unref()),
  ]);
}

async function loadOrFail(configPath: string, env: ServeOptions['env']): Promise<GatewayConfig> {
  try {
    return await loadConfig(configPath, { env });
  } catch (error) {
    if (error instanceof ConfigError) {
      const count = error.issues.length;
      throw new StartupError(
        'config_invalid',
        `${configPath}: ${count} problem${count === 1 ? '' : 's'} in the configuration (auth-server check --config ${configPath} lists them)`,
        { problems: error.issues.map((issue) => formatIssue(issue)) },
        { cause: error },
      );
    }
    throw new StartupError(
      'config_invalid',
      `${configPath}: ${(error as Error).message}`,
      {},
      { cause: error },
    );
  }
}

/** Binds `address`; a port in use or an address that cannot be bound is a {@link StartupError}. */
async function listenOn(server: Server, address: ListenAddress): Promise<void> {
  server.listen(address.port, address.host);
  try {
    await once(server, 'listening');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const where = listenUrl(address);
    throw code === 'EADDRINUSE'
      ? new StartupError('address_in_use', `cannot listen on ${where}: the port is in use (EADDRINUSE)`, {
          listen: where,
        })
      : new StartupError('listen_failed', `cannot listen on ${where}: ${(error as Error).message}`, {
          listen: where,
          code,
        });
  }
}

/**
 * Starts the gateway within `server.startup_timeout`: loads the config, waits for storage and every
 * upstream's discovery, then listens (plain HTTP) on `--listen`, `AUTH_SERVER_LISTEN`,
 * `server.listen` or the issuer's port. Rejects with a {@link StartupError} naming the cause, after
 * releasing what it opened.
 */
export async function serveCommand(configPath: string, options: ServeOptions): Promise<RunningServer> {
  const { logger } = options;
  const config = await loadOrFail(configPath, options.env);
  const deadline = Date.now() + config.server.startupTimeout * 1000;
  const issuer = new URL(config.issuer);
  const address = resolveListenAddress(issuer, {
    flag: options.listen,
    port: options.port,
    env: options.env[LISTEN_ENV],
    config: config.server.listen,
  });
  for (const warning of configWarnings(config)) logger.warn({ event: 'config.warning' }, warning);
  // Storage first: the authorization server writes the configured clients to it as it starts.
  const owned = createStorageFromConfig(config.storage, { logger, warnOnMemory: true });
  let gateway: Gateway;
  try {
    await waitForStorage(owned.storage, deadline, logger);
    gateway = await createGateway({ config, logger, ownedStorage: owned }).catch((error: unknown) => {
      if (error instanceof StorageError) {
        throw new StartupError(
          'storage_unreachable',
          `storage unreachable: ${error.message}`,
          {},
          { cause: error },
        );
      }
      // Options the config schema cannot see (an issuer the chain refuses, an upstream that cannot work).
      throw new StartupError('config_invalid', (error as Error).message, {}, { cause: error });
    });
  } catch (error) {
    await bounded(owned.close());
    throw error;
  }
  const closeAll = async () => {
    await gateway.close();
    await owned.close();
  };
  // Timeouts and the connection cap from `server:`; the request timeout bounds receiving a request,
  // never a response, so server-sent event streams stay open.
  const server = createHttpServer(gateway.app, config.server, logger);
  const metricsListen = gateway.metrics === undefined ? undefined : config.metrics.listen;
  const metricsServer =
    metricsListen === undefined || gateway.metrics === undefined
      ? undefined
      : createServer(metricsApp(gateway.metrics, config.metrics.path));
  try {
    // An optional upstream may be down: the chain skips it, so it does not hold start-up up.
    const optional = new Set(config.upstreams.filter((u) => u.optional).map((u) => u.name));
    await waitForUpstreams(
      gateway.upstreamClients.filter((client) => !optional.has(client.name)),
      deadline,
      logger,
    );
    if (Date.now() >= deadline) {
      throw new StartupError(
        'timeout',
        `not ready within server.startup_timeout (${config.server.startupTimeout}s)`,
      );
    }
    await listenOn(server, address);
    if (metricsServer !== undefined && metricsListen !== undefined)
      await listenOn(metricsServer, metricsListen);
  } catch (error) {
    server.close();
    metricsServer?.close();
    await bounded(closeAll());
    throw error;
  }
  const bound = server.address();
  const url = listenUrl({
    host: address.host,
    port: typeof bound === 'object' && bound !== null ? bound.port : address.port,
  });
  const metricsBound = metricsServer?.address();
  const metricsUrl =
    metricsListen === undefined
      ? undefined
      : `${listenUrl({
          host: metricsListen.host,
          port:
            typeof metricsBound === 'object' && metricsBound !== null
              ? metricsBound.port
              : metricsListen.port,
        })}${config.metrics.path}`;
  logger.info(
    {
      event: 'server.listening',
      listen: url,
      issuer: config.issuer,
      upstreams: config.upstreams.map((u) => u.name),
      ...(metricsUrl === undefined ? {} : { metrics: metricsUrl }),
    },
    `auth-server listening on ${url}, issuer ${config.issuer}`,
  );
  return {
    url,
    issuer: config.issuer,
    metricsUrl,
    server,
    gateway,
    async stop() {
      metricsServer?.close();
      metricsServer?.closeAllConnections();
      const outcome = await shutdownGracefully(server, closeAll, config.server.shutdownGrace * 1000);
      logger.info({ outcome }, 'auth-server stopped');
    },
  };
}
