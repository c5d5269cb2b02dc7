import type { RawIssue } from './issue-collector.js';
import { formatPath } from './issue-path.js';

const SUGGESTION = /^unknown key; did you mean "([^"]+)"\?/;

/**
 * Drops problems that one mistake already explains, so that a misspelt key is one line: an
 * "is required" for the key that a neighbouring unknown key was suggested as (`nmae` → `name`).
 */
export function withoutFollowOns(issues: readonly RawIssue[]): RawIssue[] {
  const suggested = new Set<string>();
  for (const { path, message } of issues) {
    const match = SUGGESTION.exec(message);
    if (match !== null) suggested.add(formatPath([...path.slice(0, -1), match[1]!]));
  }
  if (suggested.size === 0) return [...issues];
  return issues.filter(
    ({ path, message }) => !(message.startsWith('is required') && suggested.has(formatPath(path))),
  );
}
