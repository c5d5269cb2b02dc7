import type { GatewayConfig } from '../gateway-config.js';
import { parseListenAddress } from '../listen-address.js';
import { parseSections } from './parse-sections.js';
import { resolveSecret } from './resolve-secret.js';
import { checkClients } from './rules/client-rules.js';
import { reportDuplicates } from './rules/duplicates.js';
import { checkRoutes } from './rules/route-rules.js';
import { checkStorage } from './rules/storage-rules.js';
import { checkUpstreams, upstreamNames } from './rules/upstream-rules.js';
import { loadSigningKeys } from './signing-keys.js';
import type { ValidationContext } from './validation-context.js';

/**
 * Runs every check (docs/architecture.md#configuration) on `input` and builds the normalized config.
 * Returns undefined when `ctx.issues` holds any problem.
 */
export function buildConfig(
  input: unknown,
  ctx: ValidationContext,
  maxUpstreams: number | undefined,
): GatewayConfig | undefined {
  const sections = parseSections(input, ctx.issues);
  if (sections === undefined) return undefined;
  const { issues } = ctx;

  const lifetimes = sections.tokenLifetimes;
  if (lifetimes !== undefined && lifetimes.refresh_token < lifetimes.access_token) {
    issues.add(['token_lifetimes', 'refresh_token'], 'must not be shorter than access_token');
  }
  const server = sections.server;
  if (server !== undefined && server.headers_timeout > server.request_timeout) {
    issues.add(['server', 'headers_timeout'], 'must not be longer than request_timeout');
  }
  if (sections.scopesSupported !== undefined) {
    reportDuplicates(
      issues,
      sections.scopesSupported,
      (index) => ['scopes_supported', index],
      (first) => `scopes_supported[${first}]`,
    );
  }

  const signingKeys = loadSigningKeys(ctx, sections.signingKeys);
  const storage = sections.storage === undefined ? undefined : checkStorage(ctx, sections.storage);
  const clients = checkClients(ctx, sections, signingKeys[0]?.alg ?? 'ES256');
  const upstreams = checkUpstreams(ctx, sections, maxUpstreams);
  const { routes, aggregateRoutes } = checkRoutes(ctx, sections, upstreamNames(sections));
  const initialAccessToken =
    sections.registration === undefined
      ? undefined
      : resolveSecret(ctx, sections.registration, 'initial_access_token', ['registration']);
  const limits = sections.limits;

  if (
    issues.count > 0 ||
    sections.issuer === undefined ||
    lifetimes === undefined ||
    sections.scopesSupported === undefined ||
    storage === undefined ||
    sections.registration === undefined ||
    sections.proxy === undefined ||
    server === undefined ||
    sections.metrics === undefined ||
    sections.users === undefined ||
    sections.refresh === undefined ||
    limits === undefined ||
    sections.allowedHosts === undefined ||
    sections.allowedOrigins === undefined
  ) {
    return undefined;
  }
  return {
    issuer: sections.issuer,
    signingKeys,
    tokenLifetimes: {
      accessToken: lifetimes.access_token,
      refreshToken: lifetimes.refresh_token,
      authorizationCode: lifetimes.authorization_code,
    },
    scopesSupported: sections.scopesSupported,
    storage,
    registration: {
      enabled: sections.registration.enabled,
      metadataDocuments: {
        enabled: sections.registration.metadata_documents,
        hosts: sections.registration.metadata_document_hosts.map((host) =>
          host.replace(/^\[(.*)\]$/, '$1').toLowerCase(),
        ),
        minTtl: sections.registration.metadata_document_min_ttl,
        maxTtl: sections.registration.metadata_document_max_ttl,
      },
      unusedClientLifetime: sections.registration.unused_client_lifetime,
      ...(initialAccessToken === undefined ? {} : { initialAccessToken }),
    },
    proxy: {
      connectTimeout: sections.proxy.connect_timeout,
      responseTimeout: sections.proxy.response_timeout,
      idleTimeout: sections.proxy.idle_timeout,
      maxConnections: sections.proxy.max_connections,
    },
    server: {
      ...(server.listen === undefined ? {} : { listen: parseListenAddress(server.listen)! }),
      startupTimeout: server.startup_timeout,
      headersTimeout: server.headers_timeout,
      requestTimeout: server.request_timeout,
      keepAliveTimeout: server.keep_alive_timeout,
      maxConnections: server.max_connections,
      shutdownGrace: server.shutdown_grace,
      trustProxy: server.trust_proxy,
    },
    metrics: {
      enabled: sections.metrics.enabled,
      path: sections.metrics.path,
      ...(sections.metrics.listen === undefined
        ? {}
        : { listen: parseListenAddress(sections.metrics.listen)! }),
    },
    users: { retention: sections.users.retention },
    refresh: { lockLifetime: sections.refresh.lock_lifetime, wait: sections.refresh.wait },
    limits: {
      authorize: limits.authorize,
      register: limits.register,
      clientAuthFailures: {
        perAddress: limits.client_auth_failures.per_address,
        perClient: limits.client_auth_failures.per_client,
        window: limits.client_auth_failures.window,
      },
      registration: {
        maxRedirectUris: limits.registration_metadata.max_redirect_uris,
        maxBodyBytes: limits.registration_metadata.max_body_bytes,
      },
    },
    allowedHosts: [...new Set(sections.allowedHosts)],
    allowedOrigins: [...new Set(sections.allowedOrigins)],
    clients,
    upstreams,
    routes,
    aggregateRoutes,
  };
}
