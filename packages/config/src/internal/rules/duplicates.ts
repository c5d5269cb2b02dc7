import type { IssueCollector } from '../issue-collector.js';
import type { PathSegment } from '../issue-path.js';

/** Reports each value of `values` already seen earlier in the list (`describe` names the first one). */
export function reportDuplicates(
  issues: IssueCollector,
  values: ReadonlyArray<string | undefined>,
  pathOf: (index: number) => PathSegment[],
  describe: (firstIndex: number) => string,
  normalize: (value: string) => string = (value) => value,
): void {
  const seen = new Map<string, number>();
  values.forEach((value, index) => {
    if (value === undefined) return;
    const key = normalize(value);
    const first = seen.get(key);
    if (first === undefined) seen.set(key, index);
    else issues.add(pathOf(index), `duplicates ${describe(first)}`);
  });
}
