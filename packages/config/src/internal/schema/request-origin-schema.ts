import * as z from 'zod';
import { checkedString, tryUrl } from './primitives.js';

// RFC 3986 §3.2.2–§3.2.3: an IP literal or a DNS name, then an optional port.
const HOST =
  /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*)(?::(\d{1,5}))?$/;

/** A `Host` header value: a host name or IP with an optional port, nothing else. */
export function allowedHostProblem(value: string): string | undefined {
  const match = HOST.exec(value);
  if (match === null || (match[2] !== undefined && Number(match[2]) > 65_535))
    return 'must be a host with an optional port, e.g. gateway.example.com or gateway.example.com:8443 (no scheme, path or spaces)';
  return undefined;
}

/** An origin (RFC 6454): http(s), host and optional port; a lone `/` path is tolerated. */
export function allowedOriginProblem(value: string): string | undefined {
  const url = tryUrl(value);
  const problem = 'must be an origin: http(s)://host[:port], without credentials, path, query or fragment';
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) return problem;
  if (url.username !== '' || url.password !== '' || url.pathname !== '/') return problem;
  if (value.includes('?') || value.includes('#')) return problem;
  return undefined;
}

export const allowedHostsSchema = z
  .array(checkedString(allowedHostProblem).transform((value) => value.toLowerCase()))
  .default([])
  .meta({
    description:
      'Host header values the MCP routes accept besides the issuer’s host (DNS-rebinding protection), e.g. the public host behind a TLS proxy.',
  });

export const allowedOriginsSchema = z
  .array(checkedString(allowedOriginProblem, 'uri').transform((value) => new URL(value).origin))
  .default([])
  .meta({
    description:
      'Origin header values the MCP routes accept besides the issuer’s origin (DNS-rebinding protection); a request without Origin is not checked.',
  });
