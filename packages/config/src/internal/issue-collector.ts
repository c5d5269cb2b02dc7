import type { PathSegment } from './issue-path.js';

/** A problem before it is located in the source text. */
export interface RawIssue {
  path: PathSegment[];
  message: string;
}

/** Gathers every problem of one validation run, so all are reported at once. */
export class IssueCollector {
  readonly issues: RawIssue[] = [];

  add(path: readonly PathSegment[], message: string): void {
    this.issues.push({ path: [...path], message });
  }

  get count(): number {
    return this.issues.length;
  }
}
