import type { AggregateRouteConfig, RouteConfig } from '../../gateway-config.js';
import type { PathSegment } from '../issue-path.js';
import type { ParsedSections } from '../parse-sections.js';
import type { ValidationContext } from '../validation-context.js';
import { checkAggregateRoute } from './aggregate-rules.js';
import { reportDuplicates } from './duplicates.js';
import { upstreamReferenceChecker } from './upstream-reference.js';

/**
 * Each route's upstream exists (or is implied by a lone upstream), paths are
 * unique and do not overlap, the header strategy is complete; a route has a
 * backend or an aggregate list. Returns the normalized proxy and aggregate routes
 * with `resource = issuer + path` (RFC 8707, RFC 9728).
 */
export function checkRoutes(
  ctx: ValidationContext,
  sections: ParsedSections,
  names: readonly string[],
): { routes: RouteConfig[]; aggregateRoutes: AggregateRouteConfig[] } {
  const { issues } = ctx;
  const entries = sections.routes;
  // Express matches paths case-insensitively, so /MCP and /mcp are the same route.
  reportDuplicates(
    issues,
    entries.map((entry) => entry?.path),
    (index) => ['routes', index, 'path'],
    (first) => `routes[${first}].path; route paths must be unique`,
    (path) => path.toLowerCase(),
  );
  entries.forEach((entry, index) => {
    if (entry === undefined) return;
    entries.forEach((other, otherIndex) => {
      if (other === undefined || otherIndex === index) return;
      if (entry.path.toLowerCase().startsWith(`${other.path.toLowerCase()}/`)) {
        issues.add(
          ['routes', index, 'path'],
          `lies under routes[${otherIndex}].path; routes must not overlap`,
        );
      }
    });
  });

  const checkReference = upstreamReferenceChecker(ctx, sections, names);
  const rawEntries: unknown[] = Array.isArray(sections.raw['routes']) ? sections.raw['routes'] : [];
  const normalized: RouteConfig[] = [];
  const aggregates: AggregateRouteConfig[] = [];
  entries.forEach((entry, index) => {
    if (entry === undefined) return;
    const path: PathSegment[] = ['routes', index];
    const resource = `${sections.issuer ?? ''}${entry.path}`;
    const raw = (rawEntries[index] ?? {}) as Record<string, unknown>;
    if (entry.aggregate !== undefined) {
      if (entry.backend !== undefined) {
        issues.add([...path, 'backend'], 'is not allowed with aggregate: a route has backend or aggregate');
        return;
      }
      aggregates.push(
        checkAggregateRoute(
          ctx,
          path,
          { ...entry, aggregate: entry.aggregate },
          raw,
          checkReference,
          resource,
        ),
      );
      return;
    }
    if (entry.aggregate_sessions !== undefined) {
      issues.add([...path, 'aggregate_sessions'], 'is only allowed with aggregate');
    }
    if (entry.backend === undefined) {
      issues.add(
        [...path, 'backend'],
        'is required (or aggregate, for one MCP endpoint over several backends)',
      );
      return;
    }
    const upstream = checkReference(path, entry);
    normalized.push({
      path: entry.path,
      backend: entry.backend,
      upstream,
      headerStrategy: entry.header_strategy,
      ...(entry.custom_header_name === undefined ? {} : { customHeaderName: entry.custom_header_name }),
      resource,
    });
  });
  return { routes: normalized, aggregateRoutes: aggregates };
}
