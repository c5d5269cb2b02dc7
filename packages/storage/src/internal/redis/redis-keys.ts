import { InvalidStorageArgumentError } from '../../errors.js';

/**
 * The Redis key layout (docs/architecture.md#redis-layout). Upstream keys carry the session id as a hash tag,
 * so one session's keys share a cluster slot; the keys of one grant family (the grant
 * with its current refresh-token hash, and the set of every refresh-token hash) carry
 * `{g:<grantId>}`, so rotation is one atomic script while grants spread over slots. A
 * presented refresh token names its grant (`<grantId>.<secret>`), which routes it.
 * Grant ids are URL-safe (no braces). Secrets appear only as SHA-256 hashes.
 */
export interface RedisKeys {
  readonly prefix: string;
  client(clientId: string): string;
  pending(idHash: string): string;
  code(codeHash: string): string;
  grant(grantId: string): string;
  grantFamily(grantId: string): string;
  user(userId: string): string;
  identity(identityHash: string): string;
  upstreamPrefix(sessionId: string): string;
  upstream(sessionId: string, providerName: string): string;
  upstreamIndex(sessionId: string): string;
  lock(name: string): string;
  /** The key without the prefix: the associated data of its encrypted value. */
  logical(key: string): string;
}

export function createRedisKeys(prefix: unknown): RedisKeys {
  if (typeof prefix !== 'string') throw new InvalidStorageArgumentError('keyPrefix must be a string');
  if (prefix.includes('{') || prefix.includes('}')) {
    // A brace would become the hash tag of every key and put all sessions in one slot.
    throw new InvalidStorageArgumentError('keyPrefix must not contain "{" or "}"');
  }
  if (prefix.length > 256) throw new InvalidStorageArgumentError('keyPrefix is longer than 256 characters');
  const upstreamPrefix = (sessionId: string): string => `${prefix}upstream:{${sessionId}}:`;
  return {
    prefix,
    client: (clientId) => `${prefix}client:${clientId}`,
    pending: (idHash) => `${prefix}pending:${idHash}`,
    code: (codeHash) => `${prefix}code:${codeHash}`,
    grant: (grantId) => `${prefix}grant:{g:${grantId}}`,
    grantFamily: (grantId) => `${prefix}grant-family:{g:${grantId}}`,
    user: (userId) => `${prefix}user:${userId}`,
    identity: (identityHash) => `${prefix}identity:${identityHash}`,
    upstreamPrefix,
    upstream: (sessionId, providerName) => upstreamPrefix(sessionId) + providerName,
    upstreamIndex: (sessionId) => `${prefix}upstream:idx:{${sessionId}}`,
    lock: (name) => `${prefix}lock:${name}`,
    logical: (key) => key.slice(prefix.length),
  };
}
