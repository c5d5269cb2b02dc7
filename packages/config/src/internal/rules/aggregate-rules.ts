import type { AggregateRouteConfig } from '../../gateway-config.js';
import type { PathSegment } from '../issue-path.js';
import type { ParsedEntry } from '../schema/gateway-config-schema.js';
import { aggregateSessionsSchema } from '../schema/route-schema.js';
import type { ValidationContext } from '../validation-context.js';
import { reportDuplicates } from './duplicates.js';
import type { UpstreamReference } from './upstream-reference.js';

type RouteEntry = ParsedEntry<'routes'>;

/** Keys of a proxy route that an aggregate route sets per backend instead. */
const PROXY_ONLY_KEYS = ['upstream', 'header_strategy', 'custom_header_name'] as const;

/**
 * An aggregate route (`aggregate` instead of `backend`): backend names unique (they prefix
 * tool names), each backend's upstream configured and its header strategy complete.
 */
export function checkAggregateRoute(
  ctx: ValidationContext,
  path: readonly PathSegment[],
  entry: RouteEntry & { aggregate: NonNullable<RouteEntry['aggregate']> },
  raw: Readonly<Record<string, unknown>>,
  checkReference: (path: readonly PathSegment[], entry: UpstreamReference) => string,
  resource: string,
): AggregateRouteConfig {
  const { issues } = ctx;
  for (const key of PROXY_ONLY_KEYS) {
    if (raw[key] !== undefined) {
      issues.add([...path, key], 'is set per backend on an aggregate route (aggregate[].' + key + ')');
    }
  }
  reportDuplicates(
    issues,
    entry.aggregate.map((backend) => backend.name),
    (index) => [...path, 'aggregate', index, 'name'],
    (first) => `aggregate[${first}].name; backend names must be unique`,
  );
  const backends = entry.aggregate.map((backend, index) => {
    const upstream = checkReference([...path, 'aggregate', index], backend);
    return {
      name: backend.name,
      backend: backend.backend,
      upstream,
      headerStrategy: backend.header_strategy,
      ...(backend.custom_header_name === undefined ? {} : { customHeaderName: backend.custom_header_name }),
    };
  });
  const sessions = entry.aggregate_sessions ?? aggregateSessionsSchema.parse({});
  return {
    path: entry.path,
    backends,
    sessions: { perGatewaySession: sessions.per_gateway_session, total: sessions.total },
    resource,
  };
}
