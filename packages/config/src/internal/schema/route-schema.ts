import * as z from 'zod';
import { checkedString, tryUrl, upstreamName, wholeNumber } from './primitives.js';
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

/** How a backend receives its upstream token: the keys shared by routes and aggregate backends. */
const upstreamHeader = {
  header_strategy: z.enum(['replace', 'custom']).default('replace').meta({
    description: 'replace: Authorization: Bearer <token>; custom: the token in custom_header_name.',
  }),
  custom_header_name: checkedString(customHeaderProblem)
    .optional()
    .meta({ description: 'Header carrying the upstream token; required with header_strategy: custom.' }),
};

/** An aggregate backend's name, the prefix of its tools (`corp__search`): no `_`, so `__` splits unambiguously. */
export const AGGREGATE_NAME = /^[a-z][a-z0-9-]{0,31}$/;

/** One backend MCP server of an aggregate route. */
export const aggregateBackendSchema = strictObject({
  name: z
    .string()
    .regex(AGGREGATE_NAME, {
      error:
        'must be 1 to 32 lower-case letters, digits and "-", starting with a letter (it prefixes tool names)',
    })
    .meta({ description: "Prefix of this backend's tools, resources and prompts: corp → corp__search." }),
  backend: checkedString(backendProblem, 'uri').meta({
    description: 'URL of the backend MCP server (Streamable HTTP endpoint, http or https).',
  }),
  upstream: upstreamName.optional().meta({
    description: 'Name of the upstream whose token this backend receives; optional with one upstream.',
  }),
  ...upstreamHeader,
}).meta({ description: 'A backend MCP server of an aggregate route.' });

/** Bounds of an aggregate route's MCP sessions. */
export const aggregateSessionsSchema = strictObject({
  per_gateway_session: wholeNumber(
    1,
    1000,
    8,
    'MCP sessions one gateway session (one login) may hold open on this route at once.',
  ),
  total: wholeNumber(1, 100_000, 1000, 'MCP sessions this route holds open at once, over all users.'),
}).meta({
  description:
    'Bounds of an aggregate route: each MCP session holds one backend session per backend; more are refused.',
});

export const routeSchema = strictObject({
  path: checkedString(routePathProblem).meta({
    description: 'Path prefix on the gateway, e.g. /mcp/github. Its resource URL is issuer + path.',
  }),
  backend: checkedString(backendProblem, 'uri')
    .optional()
    .meta({ description: 'Backend base URL (http or https); a route has backend or aggregate.' }),
  upstream: upstreamName.optional().meta({
    description: 'Name of the upstream whose token the backend receives; optional with one upstream.',
  }),
  ...upstreamHeader,
  aggregate: z
    .array(aggregateBackendSchema)
    .min(1, { error: 'must list at least one backend' })
    .optional()
    .meta({
      description:
        'Makes the route one MCP endpoint for several backend MCP servers, each called with its own upstream token.',
    }),
  aggregate_sessions: aggregateSessionsSchema.optional(),
}).meta({
  description: 'A protected route of the reference server (docs/architecture.md#the-reference-server).',
});
