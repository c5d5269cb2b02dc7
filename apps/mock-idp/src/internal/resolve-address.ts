import { isIP } from 'node:net';
import { MockIdpOptionsError } from '../mock-idp-options-error.js';

/** Where to listen, and the issuer template (its port may still be 0). */
export interface ResolvedAddress {
  host: string;
  port: number;
  /** Parsed issuer, or undefined when the issuer is derived from the listening address. */
  issuer: URL | undefined;
}

function fail(message: string): never {
  throw new MockIdpOptionsError(message);
}

/** Validates `issuer`, `host` and `port` and decides where to listen. */
export function resolveAddress(options: { issuer?: string; host?: string; port?: number }): ResolvedAddress {
  let issuer: URL | undefined;
  if (options.issuer !== undefined) {
    try {
      issuer = new URL(options.issuer);
    } catch {
      fail('issuer: must be an absolute URL');
    }
    if (issuer.protocol !== 'http:' && issuer.protocol !== 'https:') fail('issuer: must be http or https');
    if (
      issuer.search !== '' ||
      issuer.hash !== '' ||
      options.issuer.includes('?') ||
      options.issuer.includes('#')
    ) {
      fail('issuer: must have no query or fragment');
    }
    if (options.issuer.endsWith('/')) fail('issuer: must have no trailing slash');
    if (issuer.username !== '' || issuer.password !== '') fail('issuer: must have no credentials');
  }
  const port = options.port ?? (issuer !== undefined && issuer.port !== '' ? Number(issuer.port) : 0);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) fail('port: must be an integer from 0 to 65535');
  let host = options.host;
  if (host === undefined) {
    const issuerHost = issuer?.hostname.replace(/^\[(.*)\]$/, '$1');
    host = issuerHost !== undefined && isIP(issuerHost) !== 0 ? issuerHost : '127.0.0.1';
  }
  if (host === '') fail('host: must not be empty');
  return { host, port, issuer };
}

/** The final issuer string once the real port is known. */
export function finalIssuer(resolved: ResolvedAddress, realPort: number): string {
  if (resolved.issuer === undefined) {
    const host = isIP(resolved.host) === 6 ? `[${resolved.host}]` : resolved.host;
    return `http://${host}:${realPort}`;
  }
  const url = new URL(resolved.issuer.href);
  if (url.port === '0') url.port = String(realPort);
  const text = url.href;
  // URL adds a trailing slash to an empty path; the issuer has none (validated above).
  return url.pathname === '/' ? text.slice(0, -1) : text;
}

/** The base URL actually served (listening address + the issuer's path). */
export function servedUrl(host: string, realPort: number, issuer: string): string {
  const path = new URL(issuer).pathname;
  const shownHost = isIP(host) === 6 ? `[${host}]` : host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${shownHost}:${realPort}${path === '/' ? '' : path}`;
}
