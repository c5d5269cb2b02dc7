import { Secret } from '../secret.js';
import type { PathSegment } from './issue-path.js';
import { ENV_NAME } from './schema/primitives.js';
import { readReferencedFile, type ValidationContext } from './validation-context.js';

/**
 * Resolves the secret `key` of `entry` from `<key>_env` (an environment
 * variable name) or `<key>_file` (trimmed file content). Undefined when
 * neither is given or on a problem, which is reported without the value.
 */
export function resolveSecret(
  ctx: ValidationContext,
  entry: Readonly<Record<string, unknown>>,
  key: string,
  path: readonly PathSegment[],
): Secret | undefined {
  const envKey = `${key}_env`;
  const fileKey = `${key}_file`;
  const envName = validEnvName(entry[envKey]);
  const file = entry[fileKey];
  if (typeof envName === 'string' && typeof file === 'string') {
    ctx.issues.add([...path, fileKey], `give either ${envKey} or ${fileKey}, not both`);
    return undefined;
  }
  if (typeof envName === 'string') {
    const value = ctx.env[envName];
    if (value === undefined) {
      ctx.issues.add([...path, envKey], 'the environment variable named here is not set');
      return undefined;
    }
    if (value.trim() === '') {
      ctx.issues.add([...path, envKey], 'the environment variable named here is empty');
      return undefined;
    }
    return new Secret(value.trim());
  }
  if (typeof file === 'string') {
    const read = readReferencedFile(ctx, file, [...path, fileKey]);
    if (read === undefined) return undefined;
    const value = read.text.trim();
    if (value === '') {
      ctx.issues.add([...path, fileKey], 'the file named here is empty');
      return undefined;
    }
    return new Secret(value);
  }
  return undefined;
}

/** Env names that failed the schema were reported there; they are not looked up again. */
function validEnvName(value: unknown): string | undefined {
  return typeof value === 'string' && ENV_NAME.test(value) ? value : undefined;
}

/**
 * Reports problems with the secret of a list entry that failed other checks,
 * so a missing variable is not discovered only on the next run.
 */
export function checkSecretOfRawEntry(
  ctx: ValidationContext,
  list: unknown,
  index: number,
  key: string,
  path: readonly PathSegment[],
): void {
  const entry: unknown = Array.isArray(list) ? list[index] : undefined;
  if (entry !== null && typeof entry === 'object' && !Array.isArray(entry)) {
    resolveSecret(ctx, entry as Record<string, unknown>, key, path);
  }
}
