import type { RouteConfig } from '../../gateway-config.js';
import { didYouMean } from '../did-you-mean.js';
import type { PathSegment } from '../issue-path.js';
import type { ParsedSections } from '../parse-sections.js';
import type { ValidationContext } from '../validation-context.js';
import { reportDuplicates } from './duplicates.js';

/**
 * Each route's upstream exists (or is implied by a lone upstream), paths are
 * unique and do not overlap, the header strategy is complete. Returns the
 * normalized routes with `resource = issuer + path` (RFC 8707, RFC 9728).
 */
export function checkRoutes(
  ctx: ValidationContext,
  sections: ParsedSections,
  names: readonly string[],
): RouteConfig[] {
  const { issues } = ctx;
  const entries = sections.routes;
  const rawUpstreams: unknown[] = Array.isArray(sections.raw['upstreams']) ? sections.raw['upstreams'] : [];
  const upstreamCount = rawUpstreams.length;
  // Names as written, also of entries with other problems: a route naming one of them, or any route
  // while an entry has no usable name, gets no follow-on error; fixing the upstream shows the rest.
  const writtenNames = rawUpstreams.map((entry) => (entry as { name?: unknown } | null)?.name);
  const someUnnamed = upstreamCount > 1 && writtenNames.some((name) => typeof name !== 'string');
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

  const normalized: RouteConfig[] = [];
  entries.forEach((entry, index) => {
    if (entry === undefined) return;
    const path: PathSegment[] = ['routes', index];
    let upstream = entry.upstream;
    if (upstream === undefined) {
      if (upstreamCount > 1) {
        issues.add(
          [...path, 'upstream'],
          `is required when several upstreams are configured (one of: ${names.join(', ')})`,
        );
      } else {
        upstream = names[0];
      }
    } else if (
      upstreamCount > 0 &&
      !names.includes(upstream) &&
      !writtenNames.includes(upstream) &&
      !someUnnamed
    ) {
      const suggestion = didYouMean(upstream, names);
      issues.add(
        [...path, 'upstream'],
        `names no configured upstream${suggestion === undefined ? '' : `; did you mean "${suggestion}"?`} (configured: ${names.join(', ')})`,
      );
    }
    if (entry.header_strategy === 'custom' && entry.custom_header_name === undefined) {
      issues.add([...path, 'custom_header_name'], 'is required when header_strategy is custom');
    }
    if (entry.header_strategy !== 'custom' && entry.custom_header_name !== undefined) {
      issues.add([...path, 'custom_header_name'], 'is only allowed with header_strategy: custom');
    }
    normalized.push({
      path: entry.path,
      backend: entry.backend,
      upstream: upstream ?? '',
      headerStrategy: entry.header_strategy,
      ...(entry.custom_header_name === undefined ? {} : { customHeaderName: entry.custom_header_name }),
      resource: `${sections.issuer ?? ''}${entry.path}`,
    });
  });
  return normalized;
}
