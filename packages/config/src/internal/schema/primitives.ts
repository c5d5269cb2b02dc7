import * as z from 'zod';
import { DURATION_PATTERN, parseDuration } from '../duration.js';

/** Upstream names (RFC): lower-case letters, digits and inner hyphens. */
export const NAME_PATTERN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

export const upstreamName = z.string().regex(NAME_PATTERN, {
  error: 'must be lower-case letters, digits and "-", starting and ending with a letter or digit',
});

/** RFC 6749 §3.3 scope-token: printable ASCII except space, `"` and `\`. */
export const scopeToken = z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, {
  error: 'must be a scope token (no spaces, quotes or backslashes)',
});

export const nonEmptyString = z.string().min(1, { error: 'must not be empty' });

/** An environment variable name as POSIX shells accept it. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const envVarName = z
  .string()
  .regex(ENV_NAME, {
    error: 'must be the name of an environment variable (letters, digits and "_", not starting with a digit)',
  })
  .meta({ description: 'Name of the environment variable holding the value.' });

export const filePath = nonEmptyString.meta({
  description: 'Path of a file holding the value (trimmed); relative to the config file.',
});

/** A string checked by `check`, which returns a message when the value is wrong. */
export function checkedString(check: (value: string) => string | undefined, format?: 'uri') {
  return z
    .string()
    .superRefine((value, ctx) => {
      const message = check(value);
      if (message !== undefined) ctx.addIssue({ code: 'custom', message });
    })
    .meta(format === undefined ? {} : { format });
}

/** Parses a URL, or returns undefined. */
export function tryUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** A whole number between `min` and `max`; `fallback` is used when the key is absent. */
export function wholeNumber(min: number, max: number, fallback: number, description: string) {
  const error = `must be a whole number between ${min} and ${max}`;
  return z.int({ error }).min(min, { error }).max(max, { error }).default(fallback).meta({ description });
}

/**
 * A duration (`90s`, `10m`, `1h`, `7d` or whole seconds) between `min` and `max`,
 * parsed into seconds. `fallback` is used when the key is absent.
 */
export function duration(min: string, max: string, fallback: string, description: string) {
  const minSeconds = parseDuration(min)!;
  const maxSeconds = parseDuration(max)!;
  const shape = `must be a duration such as 90s, 10m, 1h, 7d or a number of seconds, between ${min} and ${max}`;
  return z
    .union(
      [
        z.string({ error: shape }).regex(DURATION_PATTERN, { error: shape }),
        z.int({ error: shape }).positive({ error: shape }),
      ],
      { error: shape },
    )
    .transform((value, ctx) => {
      const seconds = parseDuration(value);
      if (seconds === undefined || seconds < minSeconds || seconds > maxSeconds) {
        ctx.addIssue({ code: 'custom', message: `must be between ${min} and ${max}` });
        return z.NEVER;
      }
      return seconds;
    })
    .prefault(fallback)
    .meta({ description });
}

/**
 * The pair of keys a secret is read from: `<key>_env` (an environment variable
 * name) or `<key>_file` (a file, trimmed). Never the secret inline.
 */
export function secretSource<K extends string>(key: K, what: string) {
  return {
    [`${key}_env`]: envVarName.optional().meta({ description: `Environment variable holding ${what}.` }),
    [`${key}_file`]: filePath
      .optional()
      .meta({ description: `File holding ${what} (trimmed); relative to the config file.` }),
  } as Record<`${K}_env` | `${K}_file`, z.ZodOptional<z.ZodString>>;
}
