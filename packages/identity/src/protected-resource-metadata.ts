import { secureUrlProblem } from '@auth/protocol';
import type { Request, RequestHandler, Response } from 'express';
import { IdentityOptionsError } from './errors.js';

/** Options of {@link createProtectedResourceMetadata}: what RFC 9728 §2 says about one resource. */
export interface ProtectedResourceMetadataOptions {
  /**
   * The resource identifier (RFC 9728 §2 `resource`, RFC 8707): the protected route's URL, the
   * `audience` its identity middleware checks. https, or http on a loopback host; no query (an
   * express route cannot be mounted at one) or fragment.
   */
  resource: string;
  /** Issuers of the authorization servers whose tokens the resource accepts (`authorization_servers`); at least one. */
  authorizationServers: string[];
  /** `scopes_supported`; absent: not published. */
  scopesSupported?: string[];
  /** `resource_name`, a human-readable name; absent: not published. */
  resourceName?: string;
  /** `Cache-Control: max-age` of the served document, in seconds; default 300. */
  maxAgeSeconds?: number;
}

/** The RFC 9728 §2 document this package publishes. */
export interface ProtectedResourceMetadataDocument {
  resource: string;
  authorization_servers: string[];
  /** Always `['header']`: the identity middleware accepts the token in the Authorization header only. */
  bearer_methods_supported: ['header'];
  scopes_supported?: string[];
  resource_name?: string;
}

/** A resource's metadata: the document, where RFC 9728 §3.1 places it, and a handler serving it. */
export interface ProtectedResourceMetadata {
  /** Absolute URL of the document: the `resourceMetadataUrl` of the resource's identity middleware. */
  url: string;
  /** The URL's path, to mount {@link handler} at: `app.get(metadata.path, metadata.handler)`. */
  path: string;
  document: ProtectedResourceMetadataDocument;
  /** Answers 200 `application/json` with the document (RFC 9728 §3.2), cacheable. */
  handler: RequestHandler;
}

/**
 * Where RFC 9728 §3.1 places the metadata of `resource`: `/.well-known/oauth-protected-resource`
 * inserted between the host and the path (a path of `/` adds nothing, nor does a terminating slash).
 */
export function protectedResourceMetadataUrl(resource: string): string {
  const url = new URL(resource);
  const path = url.pathname.replace(/\/$/, '');
  return `${url.origin}/.well-known/oauth-protected-resource${path}${url.search}`;
}

function checkUrl(value: unknown, name: string): string {
  if (typeof value !== 'string') throw new IdentityOptionsError(`${name} must be a URL string`);
  const problem = secureUrlProblem(value);
  if (problem !== undefined) throw new IdentityOptionsError(`${name} ${problem}`);
  return value;
}

function checkStrings(value: unknown, name: string): string[] {
  if (!Array.isArray(value) || !value.every((entry) => typeof entry === 'string' && entry !== '')) {
    throw new IdentityOptionsError(`${name} must be an array of non-empty strings`);
  }
  return [...value];
}

/**
 * The RFC 9728 protected resource metadata of one resource, so that the `resource_metadata` URL
 * of every challenge the identity middleware sends (RFC 9728 §5.1) is served. Bad options throw an
 * `IdentityOptionsError`.
 */
export function createProtectedResourceMetadata(
  options: ProtectedResourceMetadataOptions,
): ProtectedResourceMetadata {
  const resource = checkUrl(options.resource, 'resource');
  if (new URL(resource).search !== '' || resource.includes('?')) {
    throw new IdentityOptionsError('resource must not contain a query (?)');
  }
  const authorizationServers = checkStrings(options.authorizationServers, 'authorizationServers');
  if (authorizationServers.length === 0) {
    throw new IdentityOptionsError('authorizationServers must name at least one issuer');
  }
  authorizationServers.forEach((issuer, index) => {
    checkUrl(issuer, `authorizationServers[${index}]`);
  });
  const maxAge = options.maxAgeSeconds ?? 300;
  if (!Number.isInteger(maxAge) || maxAge < 0) {
    throw new IdentityOptionsError('maxAgeSeconds must be a non-negative integer');
  }
  if (options.resourceName !== undefined && typeof options.resourceName !== 'string') {
    throw new IdentityOptionsError('resourceName must be a string');
  }
  const document: ProtectedResourceMetadataDocument = {
    resource,
    authorization_servers: authorizationServers,
    bearer_methods_supported: ['header'],
    ...(options.scopesSupported === undefined
      ? {}
      : { scopes_supported: checkStrings(options.scopesSupported, 'scopesSupported') }),
    ...(options.resourceName === undefined ? {} : { resource_name: options.resourceName }),
  };
  const url = protectedResourceMetadataUrl(resource);
  const handler = (_req: Request, res: Response): void => {
    res.set('cache-control', `public, max-age=${maxAge}`).json(document);
  };
  return { url, path: new URL(url).pathname, document, handler };
}
