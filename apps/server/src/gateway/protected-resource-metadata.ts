import type { GatewayConfig, RouteConfig } from '@auth/config';

/** Path of a route's RFC 9728 metadata document (RFC 9728 §3.1: the well-known suffix is inserted before the path). */
export function protectedResourceMetadataPath(route: Pick<RouteConfig, 'path'>): string {
  return `/.well-known/oauth-protected-resource${route.path}`;
}

/** Absolute URL of a route's metadata document, as sent in `WWW-Authenticate: Bearer resource_metadata=…`. */
export function protectedResourceMetadataUrl(
  config: Pick<GatewayConfig, 'issuer'>,
  route: RouteConfig,
): string {
  const issuer = new URL(config.issuer);
  const base = issuer.pathname === '/' ? '' : issuer.pathname;
  return `${issuer.origin}/.well-known/oauth-protected-resource${base}${route.path}`;
}

/** RFC 9728 §2 protected resource metadata of one route. */
export function protectedResourceMetadata(
  config: GatewayConfig,
  route: RouteConfig,
): Record<string, unknown> {
  return {
    resource: route.resource,
    authorization_servers: [config.issuer],
    bearer_methods_supported: ['header'],
    scopes_supported: config.scopesSupported,
    resource_name: `${route.path} (upstream ${route.upstream})`,
  };
}
