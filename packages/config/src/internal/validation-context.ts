import { isAbsolute, resolve } from 'node:path';
import { errorCodeSuffix } from './error-code.js';
import type { IssueCollector } from './issue-collector.js';
import type { PathSegment } from './issue-path.js';

/** What the rules need besides the parsed config. */
export interface ValidationContext {
  issues: IssueCollector;
  env: Readonly<Record<string, string | undefined>>;
  readFile: (path: string) => string;
  baseDir: string;
}

/**
 * Reads a file named in the config (relative to `baseDir`), reporting failure
 * at `path`. The message names neither the path nor the content.
 */
export function readReferencedFile(
  ctx: ValidationContext,
  file: string,
  path: readonly PathSegment[],
): { absolutePath: string; text: string } | undefined {
  const absolutePath = resolve(ctx.baseDir, file);
  try {
    return { absolutePath, text: ctx.readFile(absolutePath) };
  } catch (cause) {
    const reason = errorCodeSuffix(cause);
    const hint = isAbsolute(file) ? '' : `; relative paths are resolved against ${ctx.baseDir}`;
    ctx.issues.add(path, `file cannot be read${reason}${hint}`);
    return undefined;
  }
}
