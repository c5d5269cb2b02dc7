import { didYouMean } from '../did-you-mean.js';
import type { PathSegment } from '../issue-path.js';
import type { ParsedSections } from '../parse-sections.js';
import type { ValidationContext } from '../validation-context.js';

/** What a route (or an aggregate backend) says about the upstream token it sends. */
export interface UpstreamReference {
  upstream?: string | undefined;
  header_strategy: 'replace' | 'custom';
  custom_header_name?: string | undefined;
}

/**
 * Checks the upstream a route or aggregate backend at `path` names (or the lone upstream it
 * implies) and its header strategy; returns the upstream name (`''` after a problem).
 */
export function upstreamReferenceChecker(
  ctx: ValidationContext,
  sections: ParsedSections,
  names: readonly string[],
): (path: readonly PathSegment[], entry: UpstreamReference) => string {
  const { issues } = ctx;
  const rawUpstreams: unknown[] = Array.isArray(sections.raw['upstreams']) ? sections.raw['upstreams'] : [];
  const upstreamCount = rawUpstreams.length;
  // Names as written, also of entries with other problems: a route naming one of them, or any route
  // while an entry has no usable name, gets no follow-on error; fixing the upstream shows the rest.
  const writtenNames = rawUpstreams.map((entry) => (entry as { name?: unknown } | null)?.name);
  const someUnnamed = upstreamCount > 1 && writtenNames.some((name) => typeof name !== 'string');
  return (path, entry) => {
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
    return upstream ?? '';
  };
}
