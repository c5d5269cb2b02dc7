import { type AuthorizationServerOptions, ChainOptionsError, type ChainUpstream } from '@auth/chain';
import type { GatewayConfig } from '@auth/config';
import type { UpstreamClient } from '@auth/upstream';

/** What the app adds to the config: the built upstream clients and the collaborators. */
export type ChainRuntime = Pick<
  AuthorizationServerOptions,
  'storage' | 'logger' | 'upstreamTimeoutMs' | 'limiter' | 'clientAddress'
> & {
  /** One client per configured upstream (`createUpstreamClients`), matched by name. */
  upstreamClients: readonly UpstreamClient[];
};

/**
 * Maps the gateway configuration to `@auth/chain`'s own options: the chain gets its issuer, the
 * upstreams with their clients, the routes' resources as audiences, lifetimes, keys, scopes, clients
 * and registration, and never the config document (routes, storage and proxy settings stay here).
 * Secrets are revealed here, where they are handed over.
 */
export function chainOptionsFromConfig(
  config: GatewayConfig,
  runtime: ChainRuntime,
): AuthorizationServerOptions {
  const upstreams = config.upstreams.map((upstream): ChainUpstream => {
    const client = runtime.upstreamClients.find((candidate) => candidate.name === upstream.name);
    if (client === undefined)
      throw new ChainOptionsError('ERR_CHAIN_UPSTREAM_MISMATCH', `no upstream client named ${upstream.name}`);
    return {
      client,
      optional: upstream.optional,
      ...(upstream.displayName === undefined ? {} : { displayName: upstream.displayName }),
    };
  });
  return {
    issuer: config.issuer,
    upstreams,
    audiences: [...config.routes, ...config.aggregateRoutes].map((route) => route.resource),
    lifetimes: config.tokenLifetimes,
    signingKeys: config.signingKeys.map((key) => ({ pem: key.pem.reveal(), alg: key.alg, label: key.file })),
    scopesSupported: config.scopesSupported,
    clients: config.clients.map((client) => ({
      clientId: client.clientId,
      redirectUris: client.redirectUris,
      trusted: client.trusted,
      ...(client.clientSecret === undefined ? {} : { clientSecret: client.clientSecret.reveal() }),
      ...(client.clientName === undefined ? {} : { clientName: client.clientName }),
      ...(client.scopes === undefined ? {} : { scopes: client.scopes }),
      ...(client.idTokenSignedResponseAlg === undefined
        ? {}
        : { idTokenSignedResponseAlg: client.idTokenSignedResponseAlg }),
    })),
    registration: {
      enabled: config.registration.enabled,
      unusedClientLifetime: config.registration.unusedClientLifetime,
      maxRedirectUris: config.limits.registration.maxRedirectUris,
      maxBodyBytes: config.limits.registration.maxBodyBytes,
      ...(config.registration.initialAccessToken === undefined
        ? {}
        : { initialAccessToken: config.registration.initialAccessToken.reveal() }),
    },
    metadataDocuments: {
      enabled: config.registration.metadataDocuments.enabled,
      allowedHosts: config.registration.metadataDocuments.hosts,
      minTtlSeconds: config.registration.metadataDocuments.minTtl,
      maxTtlSeconds: config.registration.metadataDocuments.maxTtl,
    },
    userRetention: config.users.retention,
    storage: runtime.storage,
    ...(runtime.logger === undefined ? {} : { logger: runtime.logger }),
    ...(runtime.upstreamTimeoutMs === undefined ? {} : { upstreamTimeoutMs: runtime.upstreamTimeoutMs }),
    ...(runtime.limiter === undefined ? {} : { limiter: runtime.limiter }),
    ...(runtime.clientAddress === undefined ? {} : { clientAddress: runtime.clientAddress }),
  };
}
