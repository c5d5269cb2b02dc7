import { InvalidStorageArgumentError } from '../errors.js';

/** Longest id accepted; ids may come from request parameters, so they are bounded. */
export const MAX_ID_LENGTH = 2048;

/** Rejects anything but a non-empty, bounded string. */
export function requireId(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidStorageArgumentError(`${name} must be a non-empty string`);
  }
  if (value.length > MAX_ID_LENGTH) {
    throw new InvalidStorageArgumentError(`${name} is longer than ${MAX_ID_LENGTH} characters`);
  }
  return value;
}

/**
 * A session id is used as a Redis Cluster hash tag (`{<sid>}`), so it may not
 * contain braces: a brace would end the tag early and let two sessions share keys.
 */
export function requireSessionId(value: unknown): string {
  const sessionId = requireId(value, 'sessionId');
  if (sessionId.includes('{') || sessionId.includes('}')) {
    throw new InvalidStorageArgumentError('sessionId must not contain "{" or "}"');
  }
  return sessionId;
}

/** Rejects a non-finite or non-numeric time. */
export function requireTime(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidStorageArgumentError(`${name} must be a finite number (epoch ms)`);
  }
  return value;
}

/** Like `requireTime`, but `undefined` passes. */
export function optionalTime(value: unknown, name: string): number | undefined {
  return value === undefined ? undefined : requireTime(value, name);
}

/** Rejects a value that is not a plain object. */
export function requireObject(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidStorageArgumentError(`${name} must be an object`);
  }
  return value as Record<string, unknown>;
}

/** Rejects a non-string (empty allowed). */
export function requireString(value: unknown, name: string): string {
  if (typeof value !== 'string') {
    throw new InvalidStorageArgumentError(`${name} must be a string`);
  }
  return value;
}
