import type * as z from 'zod';
import { didYouMean } from './did-you-mean.js';
import type { IssueCollector } from './issue-collector.js';
import type { PathSegment } from './issue-path.js';
import { UPSTREAM_KEYS_BY_TYPE } from './schema/upstream-schema.js';

const ALLOWED_KEYS = '\u0000allowed-keys:';

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
};

/**
 * Per-parse error map: plain-language messages for zod's built-in issues.
 * It never includes the offending value, which may be a secret.
 */
export function errorMap(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'unrecognized_keys': {
      const shape = (issue.inst as { shape?: object } | undefined)?.shape;
      return ALLOWED_KEYS + JSON.stringify(shape === undefined ? [] : Object.keys(shape));
    }
    case 'invalid_type':
      return issue.input === undefined
        ? 'is required'
        : `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
    case 'invalid_union': {
      const { discriminator, options } = issue as { discriminator?: string; options?: unknown[] };
      if (discriminator === undefined || !Array.isArray(options)) return undefined;
      const input = issue.input as Record<string, unknown> | undefined;
      const value = input?.[discriminator];
      return value === undefined
        ? `is required (one of: ${options.map(String).join(', ')})`
        : oneOf(value, options);
    }
    case 'invalid_value':
      return oneOf(issue.input, issue.values);
    default:
      return undefined;
  }
}

/** `must be one of: a, b`, with a suggestion for a near miss (the value itself is not repeated). */
function oneOf(value: unknown, options: readonly unknown[]): string {
  const names = options.map(String);
  const suggestion = typeof value === 'string' ? didYouMean(value, names) : undefined;
  return `must be one of: ${names.join(', ')}${suggestion === undefined ? '' : `; did you mean "${suggestion}"?`}`;
}

/** Adds zod's issues to `collector`, under `base`, one issue per unknown key with a suggestion. */
export function collectZodIssues(
  collector: IssueCollector,
  base: readonly PathSegment[],
  issues: readonly z.core.$ZodIssue[],
  raw: unknown,
): void {
  for (const issue of issues) {
    const path = [...base, ...(issue.path as PathSegment[])];
    if (issue.code === 'unrecognized_keys' && issue.message.startsWith(ALLOWED_KEYS)) {
      const allowed = JSON.parse(issue.message.slice(ALLOWED_KEYS.length)) as string[];
      const objectPath = issue.path as PathSegment[];
      for (const key of issue.keys) {
        collector.add(
          [...path, key],
          unknownKeyMessage(key, allowed, [...base, ...objectPath], valueAt(raw, objectPath)),
        );
      }
    } else {
      collector.add(path, issue.message);
    }
  }
}

/** Explains an unknown key: an inline secret, a key of the other upstream type, a near miss, or the allowed list. */
export function unknownKeyMessage(
  key: string,
  allowed: readonly string[],
  objectPath: readonly PathSegment[],
  object: unknown,
): string {
  if (allowed.includes(`${key}_env`)) {
    return `secrets are never written inline: use ${key}_env (the name of an environment variable) or ${key}_file (a file holding it)`;
  }
  if (objectPath.length === 2 && objectPath[0] === 'upstreams') {
    const type = (object as { type?: unknown } | undefined)?.type;
    for (const other of ['oidc', 'oauth2'] as const) {
      if (
        type !== other &&
        UPSTREAM_KEYS_BY_TYPE[other].includes(key) &&
        (type === 'oidc' || type === 'oauth2')
      ) {
        return `is not allowed for type: ${type} (it belongs to type: ${other})`;
      }
    }
  }
  const suggestion = didYouMean(key, allowed);
  if (suggestion !== undefined) return `unknown key; did you mean "${suggestion}"?`;
  return `unknown key (allowed here: ${allowed.join(', ')})`;
}

/** The value at `path` inside `root`, or undefined. */
export function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let node = root;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PathSegment, unknown>)[segment];
  }
  return node;
}
