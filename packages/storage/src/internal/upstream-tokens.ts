import { InvalidStorageArgumentError } from '../errors.js';
import type { UpstreamTokens } from '../ports/upstream-token-store.js';
import { optionalTime, requireObject, requireString } from './validate.js';

/** Checks the shape of an `UpstreamTokens` value before anything is stored. */
export function validateUpstreamTokens(value: unknown): UpstreamTokens {
  const tokens = requireObject(value, 'tokens');
  const accessToken = requireString(tokens['accessToken'], 'tokens.accessToken');
  if (accessToken.length === 0) {
    throw new InvalidStorageArgumentError('tokens.accessToken must be a non-empty string');
  }
  requireString(tokens['tokenType'], 'tokens.tokenType');
  requireString(tokens['userId'], 'tokens.userId');
  requireString(tokens['upstreamSubject'], 'tokens.upstreamSubject');
  requireString(tokens['clientId'], 'tokens.clientId');
  for (const optional of ['refreshToken', 'idToken', 'scope'] as const) {
    if (tokens[optional] !== undefined) requireString(tokens[optional], `tokens.${optional}`);
  }
  optionalTime(tokens['expiresAt'], 'tokens.expiresAt');
  optionalTime(tokens['sessionExpiresAt'], 'tokens.sessionExpiresAt');
  if (tokens['provisional'] !== undefined && typeof tokens['provisional'] !== 'boolean') {
    throw new InvalidStorageArgumentError('tokens.provisional must be a boolean');
  }
  if (tokens['provisional'] === true && tokens['sessionExpiresAt'] === undefined) {
    // A provisional entry lives until its chain's deadline: without one it would never go.
    throw new InvalidStorageArgumentError('tokens.provisional needs tokens.sessionExpiresAt');
  }
  return tokens as unknown as UpstreamTokens;
}

/**
 * When an upstream entry may be evicted (docs/architecture.md#storage-rules): `max(expiresAt, sessionExpiresAt)`,
 * or exactly `sessionExpiresAt` for a provisional entry (its chain has not completed).
 * - An access token without `expiresAt` does not expire: it lives as long as its
 *   session (`sessionExpiresAt`), or forever when that is unknown too.
 * - An entry with a refresh token but no `sessionExpiresAt` is kept (the refresh
 *   token's lifetime is unknown), so an expired access token never takes it away.
 * `undefined` means "no eviction".
 */
export function upstreamEvictionTime(tokens: UpstreamTokens): number | undefined {
  const { expiresAt, sessionExpiresAt, refreshToken } = tokens;
  if (tokens.provisional === true && sessionExpiresAt !== undefined) return sessionExpiresAt;
  if (sessionExpiresAt !== undefined) {
    return expiresAt === undefined ? sessionExpiresAt : Math.max(expiresAt, sessionExpiresAt);
  }
  if (expiresAt === undefined || refreshToken !== undefined) return undefined;
  return expiresAt;
}
