import type { AggregateRouteConfig, GatewayConfig, RouteConfig } from '@auth/config';
import { createProtectedResourceMetadata, type ProtectedResourceMetadata } from '@auth/identity';

/**
 * Path the gateway serves a route's RFC 9728 metadata at (RFC 9728 §3.1: the well-known suffix is
 * inserted before the path). Routes are mounted at their own path, the issuer's path not included.
 */
export function protectedResourceMetadataPath(route: Pick<RouteConfig, 'path'>): string {
  return `/.well-known/oauth-protected-resource${route.path}`;
}

/**
 * RFC 9728 metadata of one route (a proxy or an aggregate route), from `@auth/identity`: its `url`
 * is what `WWW-Authenticate: Bearer resource_metadata=…` sends, its `handler` serves the document.
 */
export function protectedResourceMetadata(
  config: Pick<GatewayConfig, 'issuer' | 'scopesSupported'>,
  route: RouteConfig | AggregateRouteConfig,
): ProtectedResourceMetadata {
  const upstreams =
    'backends' in route
      ? `upstreams ${[...new Set(route.backends.map((backend) => backend.upstream))].join(', ')}`
      : `upstream ${route.upstream}`;
  return createProtectedResourceMetadata({
    resource: route.resource,
    authorizationServers: [config.issuer],
    scopesSupported: config.scopesSupported,
    resourceName: `${route.path} (${upstreams})`,
  });
}
