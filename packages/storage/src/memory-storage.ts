import { randomUUID } from 'node:crypto';
import type { Logger } from '@auth/protocol';
import { silentLogger } from '@auth/protocol';
import { InvalidStorageArgumentError, StorageUnavailableError } from './errors.js';
import { withArgumentChecks } from './internal/checked-storage.js';
import { ExpiringMap } from './internal/expiring-map.js';
import { digestsEqual, sha256Hex } from './internal/hash.js';
import { publicClient } from './internal/records.js';
import { grantIdOfRefreshToken } from './internal/refresh-token.js';
import { upstreamEvictionTime } from './internal/upstream-tokens.js';
import type { AuthorizationCodeRecord, ConsumeCodeResult } from './ports/authorization-code-store.js';
import type { OAuthClient } from './ports/client-store.js';
import type { Grant, RefreshTokenInspection, RotateRefreshTokenResult } from './ports/grant-store.js';
import type { PendingAuthorization } from './ports/pending-authorization-store.js';
import type { Storage } from './ports/storage.js';
import type { UpstreamTokens } from './ports/upstream-token-store.js';
import type { LinkProviderIdentityResult, User } from './ports/user-store.js';

/** Options of `createMemoryStorage`. */
export interface MemoryStorageOptions {
  /** Clock in epoch ms (tests inject one). Default `Date.now`. */
  now?: () => number;
  /** Most pending authorizations kept; the oldest is evicted first. Default 10 000. */
  maxPendingAuthorizations?: number;
  /** Most dynamically registered clients kept (static ones are not counted); oldest evicted first. Default 10 000. */
  maxClients?: number;
  /** How often expired entries are swept, in ms. Default 30 000. Reads expire entries lazily anyway. */
  sweepIntervalMs?: number;
  logger?: Logger;
  /** When true, warn once at creation that memory storage is not for production (the app decides). */
  warnOutsideTests?: boolean;
}

const SWEEP_BATCH = 10_000;

interface ClientEntry {
  client: OAuthClient;
  secretHash: string | undefined;
}

interface CodeEntry {
  record: AuthorizationCodeRecord;
  used: boolean;
}

interface GrantEntry {
  grant: Grant;
  /** Hash of the current refresh token. */
  current: string | undefined;
  /** Hashes of every refresh token of the family, current and rotated. */
  family: Set<string>;
}

const clone = <T>(value: T): T => structuredClone(value);

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidStorageArgumentError(`${name} must be a positive integer`);
  }
  return value;
}

/**
 * The embedded storage backend: everything in process memory, lost on restart,
 * not shared between replicas. Bounded, with expiry driven by a min-heap (SPEC §3).
 */
export function createMemoryStorage(options: MemoryStorageOptions = {}): Storage {
  const now = options.now ?? Date.now;
  const logger = options.logger ?? silentLogger;
  const maxPending = positiveInteger(options.maxPendingAuthorizations, 10_000, 'maxPendingAuthorizations');
  const maxClients = positiveInteger(options.maxClients, 10_000, 'maxClients');
  const sweepIntervalMs = positiveInteger(options.sweepIntervalMs, 30_000, 'sweepIntervalMs');
  if (options.warnOutsideTests === true) {
    logger.warn(
      { storage: 'memory' },
      'memory storage is not for production: state is lost on restart and not shared between replicas; use Redis',
    );
  }

  const warnedBounds = new Set<string>();
  const onBound = (bound: string, max: number) => (_key: unknown, _value: unknown, reason: string) => {
    if (reason !== 'evicted') return;
    if (warnedBounds.has(bound)) return;
    warnedBounds.add(bound);
    logger.warn(
      { storage: 'memory', bound, max },
      'memory storage bound reached; evicting the oldest entries',
    );
  };

  const staticClients = new Map<string, ClientEntry>();
  const clients = new ExpiringMap<string, ClientEntry>({
    now,
    maxSize: maxClients,
    onRemove: onBound('maxClients', maxClients),
  });
  const pending = new ExpiringMap<string, PendingAuthorization>({
    now,
    maxSize: maxPending,
    onRemove: onBound('maxPendingAuthorizations', maxPending),
  });
  const codes = new ExpiringMap<string, CodeEntry>({ now });
  // A refresh token names its grant (`<grantId>.<secret>`), so no token → grant index is kept.
  const grants = new ExpiringMap<string, GrantEntry>({ now });
  const users = new Map<string, User>();
  const identities = new Map<string, string>();
  const sessionIndex = new Map<string, Set<string>>();
  const unindex = (sessionId: string, providerName: string): void => {
    const providers = sessionIndex.get(sessionId);
    if (providers === undefined) return;
    providers.delete(providerName);
    if (providers.size === 0) sessionIndex.delete(sessionId);
  };
  const upstream = new ExpiringMap<
    string,
    { sessionId: string; providerName: string; tokens: UpstreamTokens }
  >({
    now,
    onRemove: (_key, entry) => unindex(entry.sessionId, entry.providerName),
  });
  const locks = new ExpiringMap<string, string>({ now });
  const maps: Array<{ sweep(limit: number): number; clear(): void }> = [
    clients,
    pending,
    codes,
    grants,
    upstream,
    locks,
  ];

  const sweep = (limit: number): void => {
    for (const map of maps) map.sweep(limit);
  };
  const timer: NodeJS.Timeout | undefined = setInterval(() => sweep(SWEEP_BATCH), sweepIntervalMs);
  timer.unref();
  let closed = false;

  /** Writes also sweep a few expired entries, so memory is reclaimed without the timer. */
  const beforeWrite = (): void => sweep(16);

  // JSON, not a separator: ids may hold any character, and two pairs must never share a key.
  const upstreamKey = (sessionId: string, providerName: string): string =>
    JSON.stringify([sessionId, providerName]);
  const identityKey = (providerName: string, subject: string): string =>
    JSON.stringify([providerName, subject]);

  /** The grant a refresh token (current or rotated) belongs to, with the token's hash. */
  const grantOfRefreshToken = (
    refreshToken: string,
  ): { grantId: string; entry: GrantEntry; hash: string } | undefined => {
    const grantId = grantIdOfRefreshToken(refreshToken);
    const entry = grantId === undefined ? undefined : grants.get(grantId);
    const hash = sha256Hex(refreshToken);
    if (grantId === undefined || entry === undefined || !entry.family.has(hash)) return undefined;
    return { grantId, entry, hash };
  };

  const storage = {
    kind: 'memory' as const,

    async saveClient(client: OAuthClient): Promise<void> {
      beforeWrite();
      const entry: ClientEntry = {
        client: publicClient(clone(client), client.clientSecret !== undefined),
        secretHash: client.clientSecret === undefined ? undefined : sha256Hex(client.clientSecret),
      };
      if (client.static === true) {
        clients.delete(client.clientId);
        staticClients.set(client.clientId, entry);
      } else {
        staticClients.delete(client.clientId);
        clients.set(client.clientId, entry, undefined);
      }
    },

    async getClient(clientId: string): Promise<OAuthClient | undefined> {
      const entry = staticClients.get(clientId) ?? clients.get(clientId);
      return entry === undefined ? undefined : clone(entry.client);
    },

    async verifyClientSecret(clientId: string, presentedSecret: string): Promise<boolean> {
      const entry = staticClients.get(clientId) ?? clients.get(clientId);
      if (entry?.secretHash === undefined) return false;
      return digestsEqual(entry.secretHash, sha256Hex(presentedSecret));
    },

    async deleteClient(clientId: string): Promise<void> {
      staticClients.delete(clientId);
      clients.delete(clientId);
    },

    async savePendingAuthorization(value: PendingAuthorization): Promise<void> {
      beforeWrite();
      pending.set(value.id, clone(value), value.expiresAt);
    },

    async consumePendingAuthorization(id: string): Promise<PendingAuthorization | undefined> {
      const value = pending.get(id);
      if (value === undefined) return undefined;
      pending.delete(id);
      return value;
    },

    async saveAuthorizationCode(code: string, record: AuthorizationCodeRecord): Promise<void> {
      beforeWrite();
      codes.set(sha256Hex(code), { record: clone(record), used: false }, record.expiresAt);
    },

    async consumeAuthorizationCode(code: string): Promise<ConsumeCodeResult> {
      const entry = codes.get(sha256Hex(code));
      if (entry === undefined) return { status: 'unknown' };
      const status = entry.used ? 'reused' : 'consumed';
      entry.used = true;
      return { status, record: clone(entry.record) };
    },

    async saveGrant(grant: Grant, refreshToken?: string): Promise<void> {
      beforeWrite();
      const existing = grants.get(grant.grantId);
      const entry: GrantEntry = existing ?? { grant, current: undefined, family: new Set() };
      entry.grant = clone(grant);
      if (refreshToken !== undefined) {
        const hash = sha256Hex(refreshToken);
        entry.current = hash;
        entry.family.add(hash);
      }
      grants.set(grant.grantId, entry, grant.expiresAt);
    },

    async getGrant(grantId: string): Promise<Grant | undefined> {
      const entry = grants.get(grantId);
      return entry === undefined ? undefined : clone(entry.grant);
    },

    async rotateRefreshToken(
      presentedRefreshToken: string,
      nextRefreshToken: string,
    ): Promise<RotateRefreshTokenResult> {
      const found = grantOfRefreshToken(presentedRefreshToken);
      if (found === undefined) return { status: 'invalid' };
      const { grantId, entry, hash } = found;
      if (entry.current !== hash) {
        // RFC 9700 §4.14.2: reuse of a rotated refresh token revokes the whole family.
        grants.delete(grantId);
        return { status: 'reused', grant: clone(entry.grant) };
      }
      const next = sha256Hex(nextRefreshToken);
      entry.current = next;
      entry.family.add(next);
      return { status: 'rotated', grant: clone(entry.grant) };
    },

    async findGrantByRefreshToken(refreshToken: string): Promise<Grant | undefined> {
      const found = grantOfRefreshToken(refreshToken);
      return found === undefined ? undefined : clone(found.entry.grant);
    },

    async inspectRefreshToken(refreshToken: string): Promise<RefreshTokenInspection | undefined> {
      const found = grantOfRefreshToken(refreshToken);
      if (found === undefined) return undefined;
      return { grant: clone(found.entry.grant), current: found.entry.current === found.hash };
    },

    async revokeGrant(grantId: string): Promise<void> {
      grants.delete(grantId);
    },

    async saveUser(user: User): Promise<void> {
      users.set(user.id, clone(user));
    },

    async getUser(userId: string): Promise<User | undefined> {
      const user = users.get(userId);
      return user === undefined ? undefined : clone(user);
    },

    async getUserIdByProviderIdentity(
      providerName: string,
      upstreamSubject: string,
    ): Promise<string | undefined> {
      return identities.get(identityKey(providerName, upstreamSubject));
    },

    async linkProviderIdentity(
      providerName: string,
      upstreamSubject: string,
      userId: string,
    ): Promise<LinkProviderIdentityResult> {
      const key = identityKey(providerName, upstreamSubject);
      const existing = identities.get(key);
      if (existing === undefined) {
        identities.set(key, userId);
        return { status: 'linked' };
      }
      return existing === userId
        ? { status: 'already-linked' }
        : { status: 'conflict', existingUserId: existing };
    },

    async storeUpstreamTokens(
      sessionId: string,
      providerName: string,
      tokens: UpstreamTokens,
    ): Promise<void> {
      beforeWrite();
      const key = upstreamKey(sessionId, providerName);
      const evictAt = upstreamEvictionTime(tokens);
      if (evictAt !== undefined && evictAt <= now()) {
        upstream.delete(key);
        unindex(sessionId, providerName);
        return;
      }
      // Stored frozen and handed out as is: the protected path reads it on every request, a copy per read is waste.
      upstream.set(key, { sessionId, providerName, tokens: Object.freeze({ ...tokens }) }, evictAt);
      let providers = sessionIndex.get(sessionId);
      if (providers === undefined) {
        providers = new Set();
        sessionIndex.set(sessionId, providers);
      }
      providers.add(providerName);
    },

    async replaceUpstreamTokens(
      sessionId: string,
      providerName: string,
      tokens: UpstreamTokens,
    ): Promise<boolean> {
      if (upstream.get(upstreamKey(sessionId, providerName)) === undefined) return false;
      await storage.storeUpstreamTokens(sessionId, providerName, tokens);
      return true;
    },

    async getUpstreamTokens(sessionId: string, providerName: string): Promise<UpstreamTokens | undefined> {
      const entry = upstream.get(upstreamKey(sessionId, providerName));
      return entry === undefined ? undefined : entry.tokens;
    },

    async getAllUpstreamTokens(sessionId: string): Promise<Record<string, UpstreamTokens>> {
      const result: Record<string, Readonly<UpstreamTokens>> = {};
      for (const providerName of [...(sessionIndex.get(sessionId) ?? [])]) {
        const entry = upstream.get(upstreamKey(sessionId, providerName));
        if (entry !== undefined) result[providerName] = entry.tokens;
      }
      return result;
    },

    async deleteUpstreamTokens(sessionId: string): Promise<void> {
      for (const providerName of sessionIndex.get(sessionId) ?? []) {
        upstream.delete(upstreamKey(sessionId, providerName));
      }
      sessionIndex.delete(sessionId);
    },

    async deleteUpstreamTokensForProvider(sessionId: string, providerName: string): Promise<void> {
      upstream.delete(upstreamKey(sessionId, providerName));
      unindex(sessionId, providerName);
    },

    async tryAcquireLock(name: string, ttlMs: number): Promise<string | undefined> {
      if (locks.get(name) !== undefined) return undefined;
      const owner = randomUUID();
      locks.set(name, owner, now() + ttlMs);
      return owner;
    },

    async releaseLock(name: string, ownerToken: string): Promise<void> {
      if (locks.get(name) === ownerToken) locks.delete(name);
    },

    async ping(): Promise<void> {},

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      for (const map of maps) map.clear();
      staticClients.clear();
      users.clear();
      identities.clear();
      sessionIndex.clear();
    },
  } satisfies Storage;
  // After close() every call rejects, as on Redis: the emptied maps must not answer "not found".
  const whileOpen = { ...storage } as Record<string, unknown>;
  for (const [name, method] of Object.entries(storage)) {
    if (typeof method !== 'function' || name === 'close') continue;
    whileOpen[name] = (...args: unknown[]) =>
      closed
        ? Promise.reject(new StorageUnavailableError('the storage is closed'))
        : (method as (...a: unknown[]) => Promise<unknown>)(...args);
  }
  return withArgumentChecks(whileOpen as unknown as Storage);
}
