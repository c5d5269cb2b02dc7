import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { ConfigError, type ConfigIssue } from '../config-error.js';
import type { PathSegment } from './issue-path.js';

/** Where something is in the source text (1-based). */
export interface SourcePosition {
  line: number;
  column: number;
}

/** A parsed config text: its value and a way to point at the line of a path. */
export interface SourceDocument {
  value: unknown;
  locate(path: readonly PathSegment[]): SourcePosition | undefined;
}

/** `json` when the text starts with `{`, else `yaml`. */
export function sniffFormat(text: string): 'yaml' | 'json' {
  return text.trimStart().startsWith('{') ? 'json' : 'yaml';
}

/**
 * Parses YAML or JSON. A syntax error becomes a `ConfigError` with its line
 * and column; the offending source text is never quoted (it may hold a secret).
 */
export function readSource(text: string, format: 'yaml' | 'json', file?: string): SourceDocument {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
  const position = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const locate = (path: readonly PathSegment[]) => {
    const offset = findOffset(doc.contents, path);
    return offset === undefined ? undefined : position(offset);
  };

  if (format === 'json') {
    try {
      return { value: JSON.parse(text) as unknown, locate };
    } catch (cause) {
      const first = doc.errors[0];
      const where = first === undefined ? jsonErrorOffset(cause) : first.pos[0];
      const issue: ConfigIssue = { path: '', message: 'invalid JSON' };
      throw new ConfigError(
        'ERR_CONFIG_INVALID',
        [where === undefined ? issue : { ...issue, ...position(where) }],
        {
          file,
        },
      );
    }
  }

  if (doc.errors.length > 0) {
    const issues = doc.errors.map((error) => ({
      path: '',
      message: `YAML syntax error: ${firstLine(error.message)}`,
      ...position(error.pos[0]),
    }));
    throw new ConfigError('ERR_CONFIG_INVALID', issues, { file });
  }
  try {
    return { value: doc.toJS({ maxAliasCount: 100 }) as unknown, locate };
  } catch (cause) {
    // Unresolved aliases and alias bombs surface only here.
    const message =
      cause instanceof Error && cause.message.includes('Excessive alias count')
        ? 'YAML error: too many alias expansions'
        : 'YAML error: an alias (*name) refers to no anchor (&name) defined before it';
    throw new ConfigError('ERR_CONFIG_INVALID', [{ path: '', message }], { file, cause });
  }
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '').replace(/:$/, '');
}

function jsonErrorOffset(cause: unknown): number | undefined {
  const match = /position (\d+)/.exec(cause instanceof Error ? cause.message : '');
  return match === null ? undefined : Number(match[1]);
}

/** Offset of the deepest node on `path`: the key of a mapping entry, an item of a list. */
function findOffset(root: unknown, path: readonly PathSegment[]): number | undefined {
  let node = root as Node | null | undefined;
  let offset = node?.range?.[0];
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (pair === undefined) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value as Node | null;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (item === undefined) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset;
}
