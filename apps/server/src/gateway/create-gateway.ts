import { createAuthorizationServer, type LimitName } from '@auth/chain';
import type { AggregateRouteConfig, GatewayConfig, RouteConfig } from '@auth/config';
import { createIdentityMiddleware } from '@auth/identity';
import { isLoopbackHost } from '@auth/protocol';
import type { Storage } from '@auth/storage';
import type { UpstreamClient } from '@auth/upstream';
import { createUpstreamSwap, protectedRoute } from '@auth/upstreamswap';
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import { type AggregateRoute, createAggregateRoute } from '../aggregate/aggregate-route.js';
import type { AggregateStats } from '../aggregate/session-registry.js';
import { accessLog } from '../logging/access-log.js';
import { countStorageErrors } from '../metrics/count-storage-errors.js';
import { createGatewayMetrics, type GatewayMetrics } from '../metrics/gateway-metrics.js';
import { measureRoute } from '../metrics/measure-route.js';
import { createBackendPools } from '../proxy/backend-pools.js';
import { dotSegmentGuard } from '../proxy/dot-segment-guard.js';
import { reverseProxy } from '../proxy/reverse-proxy.js';
import { chainOptionsFromConfig } from './chain-options-from-config.js';
import { clientAddress } from './client-address.js';
import { createStorageFromConfig, type OwnedStorage } from './create-storage-from-config.js';
import { dnsRebindingGuard } from './dns-rebinding-guard.js';
import { healthRoutes } from './health-routes.js';
import { inOrder } from './in-order.js';
import { protectedResourceMetadata, protectedResourceMetadataPath } from './protected-resource-metadata.js';
import { createRateLimiter } from './rate-limiter-from-config.js';
import { createUpstreamClients } from './upstream-clients-from-config.js';

/** Options of {@link createGateway}. */
export interface CreateGatewayOptions {
  config: GatewayConfig;
  logger: Logger;
  /** A storage to use instead of the one the config describes; the caller closes it. */
  storage?: Storage;
  /**
   * The config's storage, created by the caller (`serve` waits for it before the gateway starts),
   * with its Redis client, where the abuse limits count too; the caller closes it.
   */
  ownedStorage?: OwnedStorage;
  /** Warn when memory storage is used (true outside tests and the demo). */
  warnOnMemoryStorage?: boolean;
  /** Timeout of every upstream IdP call, in ms, instead of each upstream's configured `timeout`. */
  upstreamTimeoutMs?: number;
  /** Called for each request an abuse limit refuses, with the limit's name (e.g. a metrics counter). */
  onLimitRefused?: (limit: LimitName) => void;
  /** First wait before an aggregate route tries a failed backend again (default 500 ms). */
  aggregateBackoffMs?: number;
  /** How often aggregate routes look for revoked gateway sessions to close (default 30 s). */
  aggregateRevocationCheckMs?: number;
}

/** A wired gateway: the express app and what must be closed on shutdown. */
export interface Gateway {
  app: Express;
  storage: Storage;
  /** Open client and backend MCP sessions of each aggregate route, by path. */
  aggregateStats(): Record<string, AggregateStats>;
  /**
   * The Prometheus metrics (`metrics.enabled`): served on `app` at `metrics.path` for a loopback
   * issuer without `metrics.listen`; `serve` gives them their own listener when `metrics.listen` is set.
   */
  metrics: GatewayMetrics | undefined;
  /** The upstream clients, in chain order (start-up checks each one's discovery). */
  upstreamClients: readonly UpstreamClient[];
  close(): Promise<void>;
}

/**
 * Wires the reference gateway (docs/architecture.md#the-reference-server): the authorization server, and for each
 * configured route its RFC 9728 metadata and DNS-rebinding check → identity → upstreamswap → proxy.
 */
export async function createGateway(options: CreateGatewayOptions): Promise<Gateway> {
  const { config, logger } = options;
  const chainLogger = logger.child({ component: 'chain' });
  // The app builds the upstream clients, once and first (a bad upstream fails before any connection
  // opens): the chain runs the legs with them and identity refreshes on read through the same ones,
  // so both use one discovery cache and one policy.
  const upstreamClients = createUpstreamClients(config.upstreams, {
    ...(options.upstreamTimeoutMs === undefined ? {} : { timeoutMs: options.upstreamTimeoutMs }),
    logger: chainLogger,
  });
  const clientsByName = Object.freeze(
    Object.fromEntries(upstreamClients.map((client) => [client.name, client])),
  );
  const owned = options.ownedStorage
    ? { ...options.ownedStorage, close: async () => {} }
    : options.storage
      ? { storage: options.storage, close: async () => {} }
      : createStorageFromConfig(config.storage, {
          logger,
          warnOnMemory: options.warnOnMemoryStorage ?? true,
        });
  const metrics = config.metrics.enabled
    ? createGatewayMetrics({
        providers: config.upstreams.map((upstream) => upstream.name),
        routes: [...config.routes, ...config.aggregateRoutes].map((route) => route.path),
      })
    : undefined;
  const storage =
    metrics === undefined ? owned.storage : countStorageErrors(owned.storage, metrics.storageError);
  // The abuse limits count where the storage keeps its records: one Redis for every replica.
  const limiter = createRateLimiter({
    limits: config.limits,
    ...('redis' in owned && owned.redis !== undefined ? { redis: owned.redis } : {}),
    ...(config.storage.type === 'redis' ? { keyPrefix: config.storage.keyPrefix } : {}),
    ...(options.onLimitRefused === undefined ? {} : { onRefused: options.onLimitRefused }),
  });
  const authorizationServer = await createAuthorizationServer({
    ...chainOptionsFromConfig(config, {
      storage,
      logger: chainLogger,
      limiter,
      clientAddress,
      upstreamClients,
      ...(options.upstreamTimeoutMs === undefined ? {} : { upstreamTimeoutMs: options.upstreamTimeoutMs }),
    }),
    ...(metrics === undefined ? {} : { events: metrics.chainEvents }),
  });

  const app = express();
  app.disable('x-powered-by');
  // express's `trust proxy` (proxy-addr): req.ip, req.protocol and req.host, and so clientAddress()
  // and the X-Forwarded-* sent to backends, believe only the proxies `server.trust_proxy` names.
  app.set('trust proxy', config.server.trustProxy);
  app.use(accessLog(logger));

  const jwks = authorizationServer.jwks();
  const backendPools = createBackendPools(config.proxy);
  // Each request then reads just the configured providers' tokens: one MGET on Redis, no script.
  const upstreamNames = config.upstreams.map((upstream) => upstream.name);
  // Before any route: a path whose dot segments change its route never reaches one (RFC 3986 §5.2.4).
  app.use(dotSegmentGuard([...config.routes, ...config.aggregateRoutes].map((route) => route.path)));
  // The MCP Streamable HTTP transport's DNS-rebinding rule, on the request's own Host and Origin.
  const rebinding = dnsRebindingGuard(
    { issuer: config.issuer, allowedHosts: config.allowedHosts, allowedOrigins: config.allowedOrigins },
    logger.child({ component: 'routes' }),
  );
  // RFC 6750 §3 / MCP scope selection: each route's challenges name the scopes to request, the
  // same list as its RFC 9728 metadata's scopes_supported.
  const challengeScope = config.scopesSupported;
  // A route's RFC 9728 metadata, and its identity middleware refreshing `refreshProviders` on read.
  const protectResource = (route: RouteConfig | AggregateRouteConfig, refreshProviders: string[]) => {
    const metadata = protectedResourceMetadata(config, route);
    app.get(protectedResourceMetadataPath(route), metadata.handler);
    const identity = createIdentityMiddleware({
      issuer: config.issuer,
      audience: route.resource,
      jwks,
      storage,
      upstreamClients: clientsByName,
      providers: upstreamNames,
      refreshProviders,
      refreshLockTtlMs: config.refresh.lockLifetime * 1000,
      refreshWaitTimeoutMs: config.refresh.wait * 1000,
      resourceMetadataUrl: metadata.url,
      challengeScope,
      logger: logger.child({ component: 'identity', route: route.path }),
      ...(metrics === undefined ? {} : { events: metrics.identityEvents }),
    });
    return { identity, metadata };
  };
  for (const route of config.routes) {
    const { identity, metadata } = protectResource(route, [route.upstream]);
    const swap = createUpstreamSwap({
      providerName: route.upstream,
      headerStrategy: route.headerStrategy,
      ...(route.customHeaderName ? { customHeaderName: route.customHeaderName } : {}),
      resourceMetadataUrl: metadata.url,
      challengeScope,
      logger: logger.child({ component: 'upstreamswap', route: route.path }),
    });
    // protectedRoute refuses, at start-up, a swap without the identity middleware before it (docs/architecture.md#upstream-swap).
    app.use(
      route.path,
      inOrder([
        ...(metrics === undefined ? [] : [measureRoute(route.path, metrics.protectedRequest)]),
        rebinding,
        ...protectedRoute(identity, swap),
        reverseProxy(route.backend, backendPools.poolFor(new URL(route.backend)), logger),
      ]),
    );
  }

  // Aggregate routes (apps/server README, aggregate routes): identity with every backend's upstream refreshed on read,
  // then one MCP server whose backend sessions each carry their own upstream token.
  const aggregates = new Map<string, AggregateRoute>();
  for (const route of config.aggregateRoutes) {
    const { identity } = protectResource(route, [
      ...new Set(route.backends.map((backend) => backend.upstream)),
    ]);
    const aggregate = createAggregateRoute({
      route,
      logger: logger.child({ component: 'aggregate', route: route.path }),
      storage,
      ...(options.aggregateRevocationCheckMs === undefined
        ? {}
        : { revocationCheckMs: options.aggregateRevocationCheckMs }),
      ...(options.aggregateBackoffMs === undefined ? {} : { initialBackoffMs: options.aggregateBackoffMs }),
    });
    aggregates.set(route.path, aggregate);
    app.use(
      route.path,
      inOrder([
        ...(metrics === undefined ? [] : [measureRoute(route.path, metrics.protectedRequest)]),
        rebinding,
        identity,
        aggregate.handler,
      ]),
    );
  }

  app.use(healthRoutes(storage, logger));
  // Metrics are not public: on the main listener only for a loopback issuer (development, the demo).
  if (
    metrics !== undefined &&
    config.metrics.listen === undefined &&
    isLoopbackHost(new URL(config.issuer).hostname)
  ) {
    app.get(config.metrics.path, metrics.handler);
  }
  const issuerPath = new URL(config.issuer).pathname;
  app.use(issuerPath === '/' ? '/' : issuerPath, authorizationServer.router);

  return {
    app,
    storage,
    aggregateStats: () =>
      Object.fromEntries([...aggregates].map(([path, aggregate]) => [path, aggregate.stats()])),
    metrics,
    upstreamClients,
    async close() {
      await Promise.all([...aggregates.values()].map((aggregate) => aggregate.close()));
      await backendPools.close();
      await authorizationServer.close();
      await owned.close();
    },
  };
}
