import { InvalidStorageArgumentError } from '../errors.js';

/**
 * Refresh tokens have the form `<grantId>.<secret>` (see `GrantStore`): the grant id routes a
 * presented token to its grant (on Redis, to the grant's cluster slot) without any lookup.
 * Grant ids are URL-safe (`A-Z a-z 0-9 - _`), so they hold no `.` and no hash-tag brace.
 */
const GRANT_ID = /^[A-Za-z0-9_-]+$/;

/** Longest grant id accepted. */
export const MAX_GRANT_ID_LENGTH = 256;

/** Whether `value` can be a grant id: non-empty, bounded, URL-safe characters only. */
export function isGrantId(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= MAX_GRANT_ID_LENGTH &&
    GRANT_ID.test(value)
  );
}

/** Rejects anything but a well-formed grant id. */
export function requireGrantId(value: unknown, name: string): string {
  if (!isGrantId(value)) {
    throw new InvalidStorageArgumentError(
      `${name} must be 1 to ${MAX_GRANT_ID_LENGTH} URL-safe characters (A-Z a-z 0-9 - _)`,
    );
  }
  return value;
}

/**
 * The grant id a refresh token names (the part before the first `.`), or `undefined`
 * when the token is not of the form `<grantId>.<secret>` with a non-empty secret.
 */
export function grantIdOfRefreshToken(token: string): string | undefined {
  const dot = token.indexOf('.');
  if (dot <= 0 || dot === token.length - 1) return undefined;
  const grantId = token.slice(0, dot);
  return isGrantId(grantId) ? grantId : undefined;
}

/** Rejects a refresh token the AS hands in unless it is `<grantId>.<secret>` for this grant. */
export function requireRefreshTokenOf(token: string, grantId: string, name: string): string {
  if (grantIdOfRefreshToken(token) !== grantId) {
    throw new InvalidStorageArgumentError(`${name} must have the form <grantId>.<secret> of its grant`);
  }
  return token;
}
