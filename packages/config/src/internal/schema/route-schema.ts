import * as z from 'zod';
import { checkedString, tryUrl, upstreamName } from './primitives.js';
import { strictObject } from './strict-object.js';

const RESERVED_PREFIXES = ['/oauth', '/.well-known', '/healthz', '/readyz'];

/** A path prefix: `/segment/segment`, no trailing slash, no dot segments, no reserved prefix. */
export function routePathProblem(value: string): string | undefined {
  if (!value.startsWith('/')) return 'must start with "/"';
  if (value === '/') return 'must not be "/" (it would shadow the authorization server)';
  if (!/^(\/[A-Za-z0-9._~!$&'()*+,;=:@-]+)+$/.test(value)) {
    return 'must be "/"-separated segments of URL path characters (no "%", "?" or "#"), without a trailing "/"';
  }
  if (value.split('/').some((segment) => segment === '.' || segment === '..')) {
    return 'must not contain "." or ".." segments';
  }
  const lower = value.toLowerCase();
  for (const prefix of RESERVED_PREFIXES) {
    if (lower === prefix || lower.startsWith(`${prefix}/`)) return `must not be under ${prefix} (reserved)`;
  }
  return undefined;
}

/** The backend: an absolute http(s) URL without credentials, query or fragment. */
export function backendProblem(value: string): string | undefined {
  const url = tryUrl(value);
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    return 'must be an absolute http(s) URL';
  }
  if (url.username !== '' || url.password !== '') return 'must not contain credentials';
  if (value.includes('?') || value.includes('#')) return 'must not contain a query or fragment';
  return undefined;
}

const HEADER_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const FORBIDDEN_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'cookie',
]);

/** RFC 9110 §5.1 field name, not one the proxy owns. */
export function customHeaderProblem(value: string): string | undefined {
  if (!HEADER_TOKEN.test(value)) return 'must be a valid HTTP header name (RFC 9110 §5.1)';
  if (FORBIDDEN_HEADERS.has(value.toLowerCase())) {
    return `must not be ${value}; use header_strategy: replace to send the token in Authorization`;
  }
  return undefined;
}

export const routeSchema = strictObject({
  path: checkedString(routePathProblem).meta({
    description: 'Path prefix on the gateway, e.g. /mcp/github. Its resource URL is issuer + path.',
  }),
  backend: checkedString(backendProblem, 'uri').meta({ description: 'Backend base URL (http or https).' }),
  upstream: upstreamName.optional().meta({
    description: 'Name of the upstream whose token the backend receives; optional with one upstream.',
  }),
  header_strategy: z.enum(['replace', 'custom']).default('replace').meta({
    description: 'replace: Authorization: Bearer <token>; custom: the token in custom_header_name.',
  }),
  custom_header_name: checkedString(customHeaderProblem)
    .optional()
    .meta({ description: 'Header carrying the upstream token; required with header_strategy: custom.' }),
}).meta({
  description: 'A protected route of the reference server (docs/architecture.md#the-reference-server).',
});
