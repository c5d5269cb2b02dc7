import { randomUUID } from 'node:crypto';
import type { Logger } from '@auth/protocol';
import { silentLogger } from '@auth/protocol';
import type { Cluster, Redis } from 'ioredis';
import { InvalidStorageArgumentError, StorageError, StorageUnavailableError } from './errors.js';
import { withArgumentChecks } from './internal/checked-storage.js';
import { digestsEqual, sha256Hex } from './internal/hash.js';
import { createRecordCodec } from './internal/record-codec.js';
import { publicClient } from './internal/records.js';
import { createRedisKeys } from './internal/redis-keys.js';
import { type RedisScriptName, redisScripts } from './internal/redis-scripts.js';
import { grantIdOfRefreshToken } from './internal/refresh-token.js';
import { upstreamEvictionTime } from './internal/upstream-tokens.js';
import type { AuthorizationCodeRecord, ConsumeCodeResult } from './ports/authorization-code-store.js';
import type { OAuthClient } from './ports/client-store.js';
import type { Grant, RefreshTokenInspection, RotateRefreshTokenResult } from './ports/grant-store.js';
import type { PendingAuthorization } from './ports/pending-authorization-store.js';
import type { Storage } from './ports/storage.js';
import type { UpstreamTokens } from './ports/upstream-token-store.js';
import type { LinkProviderIdentityResult, User } from './ports/user-store.js';
import { createRedisClient } from './redis-client.js';

/** Options of `createRedisStorage`: pass either `client` or `url`. */
export interface RedisStorageOptions {
  /**
   * An ioredis `Redis` (single node or Sentinel) or `Cluster` client; left open by `close()`.
   * `createRedisClient` builds one with outage-friendly settings. Must not set ioredis `keyPrefix`.
   */
  client?: Redis | Cluster;
  /** `redis://` / `rediss://` URL: the storage creates its own client and `close()` quits it. */
  url?: string;
  /** Prefix of every key, e.g. `auth:`; no braces (they would become the cluster hash tag). */
  keyPrefix: string;
  /** 32 bytes: AES-256-GCM encryption of every stored record. */
  encryptionKey?: Buffer;
  /** Former encryption keys, still accepted for reading (key rotation); new writes use `encryptionKey`. */
  previousEncryptionKeys?: Buffer[];
  /** Every operation rejects with `StorageUnavailableError` after this many ms. Default 2000. */
  commandTimeoutMs?: number;
  logger?: Logger;
  /** Clock in epoch ms used to turn expiry times into TTLs. Default `Date.now`. */
  now?: () => number;
}

const TIMED_OUT: unique symbol = Symbol('timed out');

/** A copy of a driver error without its properties (ioredis: `command.args`); code kept for diagnosis. */
function redacted(error: Error): Error {
  const copy = new Error(error.message);
  copy.name = error.name;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') Object.assign(copy, { code });
  return copy;
}

type ScriptFn = (...args: Array<string | number>) => Promise<unknown>;

interface StoredClient {
  client: OAuthClient;
  secretHash?: string;
}

/**
 * Redis backend over ioredis (single node, Sentinel or Cluster). Multi-key operations
 * are Lua scripts (one round trip, atomic); records can be encrypted at rest; any
 * Redis failure becomes `StorageUnavailableError` within `commandTimeoutMs` (SPEC §3).
 */
export function createRedisStorage(options: RedisStorageOptions): Storage {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidStorageArgumentError('createRedisStorage needs an options object');
  }
  const keys = createRedisKeys(options.keyPrefix);
  const codec = createRecordCodec(options.encryptionKey, options.previousEncryptionKeys);
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  const timeoutMs = options.commandTimeoutMs ?? 2000;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) {
    throw new InvalidStorageArgumentError('commandTimeoutMs must be a positive integer');
  }
  if ((options.client === undefined) === (options.url === undefined)) {
    throw new InvalidStorageArgumentError('pass exactly one of client or url');
  }
  const ownsClient = options.client === undefined;
  const client: Redis | Cluster =
    options.client ?? createRedisClient({ url: options.url as string }, { commandTimeoutMs: timeoutMs });
  const clientKeyPrefix = (client as { options?: { keyPrefix?: string } }).options?.keyPrefix;
  if (clientKeyPrefix !== undefined && clientKeyPrefix !== '') {
    throw new InvalidStorageArgumentError(
      'the ioredis client must not set keyPrefix; use the keyPrefix option',
    );
  }
  if (ownsClient) {
    // Without a listener ioredis reports connection errors as unhandled 'error' events.
    client.on('error', (error: Error) =>
      logger.debug({ err: { message: error.message } }, 'redis connection error'),
    );
  }
  const commands = client as unknown as Record<string, ScriptFn | undefined>;
  for (const [name, script] of Object.entries(redisScripts)) {
    if (typeof commands[name] !== 'function') {
      client.defineCommand(name, {
        lua: script.lua,
        numberOfKeys: script.numberOfKeys,
      });
    }
  }
  let closed = false;

  let lastWarningAt = Number.NEGATIVE_INFINITY;
  /**
   * A typed error for a failed operation; logged at warn at most every 5 s, at debug otherwise.
   * The driver error is kept as `cause` by name, message and code only: ioredis puts the command
   * with its arguments (token records, in clear without an encryption key) on its errors.
   */
  const unavailable = (
    operation: string,
    message: string,
    driverError?: unknown,
  ): StorageUnavailableError => {
    const cause = driverError instanceof Error ? redacted(driverError) : undefined;
    const entry = { operation, err: { message: message.slice(0, 200) } };
    const at = Date.now();
    if (at - lastWarningAt >= 5000) {
      lastWarningAt = at;
      logger.warn(entry, 'redis unavailable');
    } else {
      logger.debug(entry, 'redis unavailable');
    }
    return new StorageUnavailableError(`Redis unavailable: ${message} (${operation})`, { cause });
  };

  /** Runs one Redis operation, bounded in time; every failure becomes `StorageUnavailableError`. */
  const run = async <T>(operation: string, fn: () => Promise<T>): Promise<T> => {
    if (closed) throw new StorageUnavailableError('the storage is closed');
    if (client.status === 'end' || client.status === 'reconnecting') {
      throw unavailable(operation, 'not connected');
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), timeoutMs);
      timer.unref();
    });
    try {
      const result = await Promise.race([fn(), timeout]);
      if (result === TIMED_OUT) throw unavailable(operation, `no answer within ${timeoutMs} ms`);
      return result;
    } catch (error) {
      if (error instanceof StorageError) throw error;
      throw unavailable(operation, 'command failed', error);
    } finally {
      clearTimeout(timer);
    }
  };

  const script = (name: RedisScriptName, ...args: Array<string | number>): Promise<unknown> =>
    run(name, () => (commands[name] as ScriptFn).call(client, ...args));

  /** Milliseconds until `expiresAt`, or 0 when it has passed. */
  const ttlUntil = (expiresAt: number): number => Math.max(0, Math.ceil(expiresAt - now()));

  const upstreamAad = (sessionId: string, providerName: string): string =>
    JSON.stringify(['upstream', sessionId, providerName]);

  const decodeAt = <T>(key: string, stored: unknown): T | undefined =>
    typeof stored === 'string' ? codec.decode<T>(stored, keys.logical(key)) : undefined;

  const readClient = async (clientId: string): Promise<StoredClient | undefined> => {
    const key = keys.client(clientId);
    return decodeAt<StoredClient>(key, await run('getClient', () => client.get(key)));
  };

  const storage: Storage = {
    kind: 'redis',

    async saveClient(value: OAuthClient): Promise<void> {
      const key = keys.client(value.clientId);
      const stored: StoredClient = {
        client: publicClient(value, value.clientSecret !== undefined),
        ...(value.clientSecret === undefined ? {} : { secretHash: sha256Hex(value.clientSecret) }),
      };
      const encoded = codec.encode(stored, keys.logical(key));
      await run('saveClient', () => client.set(key, encoded));
    },

    async getClient(clientId: string): Promise<OAuthClient | undefined> {
      return (await readClient(clientId))?.client;
    },

    async verifyClientSecret(clientId: string, presentedSecret: string): Promise<boolean> {
      const stored = await readClient(clientId);
      if (stored?.secretHash === undefined) return false;
      return digestsEqual(stored.secretHash, sha256Hex(presentedSecret));
    },

    async deleteClient(clientId: string): Promise<void> {
      await run('deleteClient', () => client.del(keys.client(clientId)));
    },

    async savePendingAuthorization(pending: PendingAuthorization): Promise<void> {
      const ttl = ttlUntil(pending.expiresAt);
      if (ttl === 0) return;
      const key = keys.pending(sha256Hex(pending.id));
      const encoded = codec.encode(pending, keys.logical(key));
      await run('savePendingAuthorization', () => client.set(key, encoded, 'PX', ttl));
    },

    async consumePendingAuthorization(id: string): Promise<PendingAuthorization | undefined> {
      const key = keys.pending(sha256Hex(id));
      return decodeAt<PendingAuthorization>(key, await script('authStorageConsumePending', key));
    },

    async saveAuthorizationCode(code: string, record: AuthorizationCodeRecord): Promise<void> {
      const ttl = ttlUntil(record.expiresAt);
      if (ttl === 0) return;
      const key = keys.code(sha256Hex(code));
      await script('authStorageSaveCode', key, codec.encode(record, keys.logical(key)), ttl);
    },

    async consumeAuthorizationCode(code: string): Promise<ConsumeCodeResult> {
      const key = keys.code(sha256Hex(code));
      const reply = await script('authStorageConsumeCode', key);
      if (!Array.isArray(reply)) return { status: 'unknown' };
      const record = decodeAt<AuthorizationCodeRecord>(key, reply[1]);
      if (record === undefined) return { status: 'unknown' };
      return { status: Number(reply[0]) === 1 ? 'consumed' : 'reused', record };
    },

    async saveGrant(grant: Grant, refreshToken?: string): Promise<void> {
      const ttl = ttlUntil(grant.expiresAt);
      if (ttl === 0) return;
      const grantKey = keys.grant(grant.grantId);
      const familyKey = keys.grantFamily(grant.grantId);
      const record = codec.encode(grant, keys.logical(grantKey));
      if (refreshToken === undefined) {
        await script('authStorageSaveGrant', grantKey, familyKey, record, ttl);
        return;
      }
      await script('authStorageSaveGrant', grantKey, familyKey, record, ttl, sha256Hex(refreshToken));
    },

    async getGrant(grantId: string): Promise<Grant | undefined> {
      const key = keys.grant(grantId);
      return decodeAt<Grant>(key, await run('getGrant', () => client.hget(key, 'r')));
    },

    async rotateRefreshToken(
      presentedRefreshToken: string,
      nextRefreshToken: string,
    ): Promise<RotateRefreshTokenResult> {
      // The token names its grant, so every key the script touches shares `{g:<grantId>}`.
      const grantId = grantIdOfRefreshToken(presentedRefreshToken);
      if (grantId === undefined) return { status: 'invalid' };
      const grantKey = keys.grant(grantId);
      const reply = await script(
        'authStorageRotateRefresh',
        grantKey,
        keys.grantFamily(grantId),
        sha256Hex(presentedRefreshToken),
        sha256Hex(nextRefreshToken),
      );
      if (!Array.isArray(reply) || typeof reply[1] !== 'string') return { status: 'invalid' };
      const grant = codec.decode<Grant>(reply[1], keys.logical(grantKey));
      return { status: reply[0] === 'rotated' ? 'rotated' : 'reused', grant };
    },

    async findGrantByRefreshToken(refreshToken: string): Promise<Grant | undefined> {
      const grantId = grantIdOfRefreshToken(refreshToken);
      if (grantId === undefined) return undefined;
      const grantKey = keys.grant(grantId);
      const reply = await script(
        'authStorageFindGrantByRefresh',
        grantKey,
        keys.grantFamily(grantId),
        sha256Hex(refreshToken),
      );
      return decodeAt<Grant>(grantKey, reply);
    },

    async inspectRefreshToken(refreshToken: string): Promise<RefreshTokenInspection | undefined> {
      const grantId = grantIdOfRefreshToken(refreshToken);
      if (grantId === undefined) return undefined;
      const grantKey = keys.grant(grantId);
      const reply = await script(
        'authStorageInspectRefresh',
        grantKey,
        keys.grantFamily(grantId),
        sha256Hex(refreshToken),
      );
      if (!Array.isArray(reply) || typeof reply[0] !== 'string') return undefined;
      const grant = codec.decode<Grant>(reply[0], keys.logical(grantKey));
      return { grant, current: Number(reply[1]) === 1 };
    },

    async revokeGrant(grantId: string): Promise<void> {
      await script('authStorageRevokeGrant', keys.grant(grantId), keys.grantFamily(grantId));
    },

    async saveUser(user: User): Promise<void> {
      const key = keys.user(user.id);
      const encoded = codec.encode(user, keys.logical(key));
      await run('saveUser', () => client.set(key, encoded));
    },

    async getUser(userId: string): Promise<User | undefined> {
      const key = keys.user(userId);
      return decodeAt<User>(key, await run('getUser', () => client.get(key)));
    },

    async getUserIdByProviderIdentity(
      providerName: string,
      upstreamSubject: string,
    ): Promise<string | undefined> {
      const key = keys.identity(sha256Hex(JSON.stringify([providerName, upstreamSubject])));
      const reply = await run('getUserIdByProviderIdentity', () => client.get(key));
      return typeof reply === 'string' ? reply : undefined;
    },

    async linkProviderIdentity(
      providerName: string,
      upstreamSubject: string,
      userId: string,
    ): Promise<LinkProviderIdentityResult> {
      const key = keys.identity(sha256Hex(JSON.stringify([providerName, upstreamSubject])));
      const reply = await script('authStorageLinkIdentity', key, userId);
      if (Array.isArray(reply) && reply[0] === 'conflict' && typeof reply[1] === 'string') {
        return { status: 'conflict', existingUserId: reply[1] };
      }
      return Array.isArray(reply) && reply[0] === 'linked'
        ? { status: 'linked' }
        : { status: 'already-linked' };
    },

    async storeUpstreamTokens(
      sessionId: string,
      providerName: string,
      tokens: UpstreamTokens,
    ): Promise<void> {
      const evictAt = upstreamEvictionTime(tokens);
      const ttl = evictAt === undefined ? -1 : ttlUntil(evictAt);
      const encoded = codec.encode(tokens, upstreamAad(sessionId, providerName));
      await script(
        'authStorageStoreUpstream',
        keys.upstream(sessionId, providerName),
        keys.upstreamIndex(sessionId),
        providerName,
        encoded,
        ttl,
      );
    },

    async replaceUpstreamTokens(
      sessionId: string,
      providerName: string,
      tokens: UpstreamTokens,
    ): Promise<boolean> {
      const evictAt = upstreamEvictionTime(tokens);
      const ttl = evictAt === undefined ? -1 : ttlUntil(evictAt);
      const encoded = codec.encode(tokens, upstreamAad(sessionId, providerName));
      const reply = await script(
        'authStorageReplaceUpstream',
        keys.upstream(sessionId, providerName),
        keys.upstreamIndex(sessionId),
        providerName,
        encoded,
        ttl,
      );
      return Number(reply) !== -1;
    },

    async getUpstreamTokens(sessionId: string, providerName: string): Promise<UpstreamTokens | undefined> {
      const reply = await run('getUpstreamTokens', () => client.get(keys.upstream(sessionId, providerName)));
      return typeof reply === 'string'
        ? codec.decode<UpstreamTokens>(reply, upstreamAad(sessionId, providerName))
        : undefined;
    },

    async getAllUpstreamTokens(sessionId: string): Promise<Record<string, UpstreamTokens>> {
      const reply = await script(
        'authStorageGetAllUpstream',
        keys.upstreamIndex(sessionId),
        keys.upstreamPrefix(sessionId),
      );
      const result: Record<string, UpstreamTokens> = {};
      if (!Array.isArray(reply)) return result;
      for (let index = 0; index + 1 < reply.length; index += 2) {
        const providerName = reply[index];
        const stored = reply[index + 1];
        if (typeof providerName !== 'string' || typeof stored !== 'string') continue;
        result[providerName] = codec.decode<UpstreamTokens>(stored, upstreamAad(sessionId, providerName));
      }
      return result;
    },

    async deleteUpstreamTokens(sessionId: string): Promise<void> {
      await script(
        'authStorageDeleteAllUpstream',
        keys.upstreamIndex(sessionId),
        keys.upstreamPrefix(sessionId),
      );
    },

    async deleteUpstreamTokensForProvider(sessionId: string, providerName: string): Promise<void> {
      await script(
        'authStorageDeleteUpstream',
        keys.upstream(sessionId, providerName),
        keys.upstreamIndex(sessionId),
        providerName,
      );
    },

    async tryAcquireLock(name: string, ttlMs: number): Promise<string | undefined> {
      const owner = randomUUID();
      const reply = await run('tryAcquireLock', () => client.set(keys.lock(name), owner, 'PX', ttlMs, 'NX'));
      return reply === 'OK' ? owner : undefined;
    },

    async releaseLock(name: string, ownerToken: string): Promise<void> {
      await script('authStorageReleaseLock', keys.lock(name), ownerToken);
    },

    async ping(): Promise<void> {
      await run('ping', () => client.ping());
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      if (!ownsClient) return;
      try {
        await Promise.race([client.quit(), new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
      } catch {
        // Quitting a client that never connected fails; disconnecting below is enough.
      }
      client.disconnect();
    },
  };
  return withArgumentChecks(storage);
}
