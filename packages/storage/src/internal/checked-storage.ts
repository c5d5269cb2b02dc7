import { InvalidStorageArgumentError } from '../errors.js';
import type { Storage } from '../ports/storage.js';
import {
  validateClient,
  validateCodeRecord,
  validateGrant,
  validatePending,
  validateUser,
} from './records.js';
import { grantIdOfRefreshToken, isGrantId, requireRefreshTokenOf } from './refresh-token.js';
import { validateUpstreamTokens } from './upstream-tokens.js';
import { optionalTime, requireId, requireSessionId, requireTime } from './validate.js';

const provider = (value: unknown): string => requireId(value, 'providerName');

function requireSeconds(value: unknown, name: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    throw new InvalidStorageArgumentError(`${name} must be a positive integer (seconds)`);
}

/**
 * Wraps a backend so that every method checks its arguments first (docs/architecture.md#storage-rules: empty or
 * malformed input rejects with `InvalidStorageArgumentError` and nothing is stored).
 * Backends behind it may assume well-formed arguments.
 */
export function withArgumentChecks(backend: Storage): Storage {
  return {
    kind: backend.kind,
    async saveClient(client, options = {}) {
      validateClient(client);
      if (options.lifetimeSeconds !== undefined) requireSeconds(options.lifetimeSeconds, 'lifetimeSeconds');
      return backend.saveClient(client, options);
    },
    async touchClient(clientId, lifetimeSeconds) {
      requireSeconds(lifetimeSeconds, 'lifetimeSeconds');
      return backend.touchClient(requireId(clientId, 'clientId'), lifetimeSeconds);
    },
    async getClient(clientId) {
      return backend.getClient(requireId(clientId, 'clientId'));
    },
    async verifyClientSecret(clientId, presentedSecret) {
      requireId(clientId, 'clientId');
      if (typeof presentedSecret !== 'string' || presentedSecret.length === 0) return false;
      return backend.verifyClientSecret(clientId, presentedSecret);
    },
    async deleteClient(clientId) {
      return backend.deleteClient(requireId(clientId, 'clientId'));
    },
    async savePendingAuthorization(pending) {
      validatePending(pending);
      return backend.savePendingAuthorization(pending);
    },
    async consumePendingAuthorization(id) {
      return backend.consumePendingAuthorization(requireId(id, 'id'));
    },
    async saveAuthorizationCode(code, record) {
      requireId(code, 'code');
      validateCodeRecord(record);
      return backend.saveAuthorizationCode(code, record);
    },
    async consumeAuthorizationCode(code) {
      return backend.consumeAuthorizationCode(requireId(code, 'code'));
    },
    async saveGrant(grant, refreshToken) {
      validateGrant(grant);
      if (refreshToken === undefined) return backend.saveGrant(grant);
      requireId(refreshToken, 'refreshToken');
      return backend.saveGrant(grant, requireRefreshTokenOf(refreshToken, grant.grantId, 'refreshToken'));
    },
    async getGrant(grantId) {
      // An id no grant can have (not URL-safe) names nothing: not found, no backend call.
      if (!isGrantId(requireId(grantId, 'grantId'))) return undefined;
      return backend.getGrant(grantId);
    },
    async rotateRefreshToken(presented, next) {
      requireId(presented, 'presentedRefreshToken');
      requireId(next, 'nextRefreshToken');
      if (presented === next) {
        throw new InvalidStorageArgumentError('nextRefreshToken must differ from presentedRefreshToken');
      }
      // A presented token comes from a request: not of the form <grantId>.<secret> = unknown.
      const grantId = grantIdOfRefreshToken(presented);
      if (grantId === undefined) return { status: 'invalid' };
      // The next token comes from the AS: it must belong to the same grant.
      requireRefreshTokenOf(next, grantId, 'nextRefreshToken');
      return backend.rotateRefreshToken(presented, next);
    },
    async findGrantByRefreshToken(refreshToken) {
      if (grantIdOfRefreshToken(requireId(refreshToken, 'refreshToken')) === undefined) return undefined;
      return backend.findGrantByRefreshToken(refreshToken);
    },
    async inspectRefreshToken(refreshToken) {
      if (grantIdOfRefreshToken(requireId(refreshToken, 'refreshToken')) === undefined) return undefined;
      return backend.inspectRefreshToken(refreshToken);
    },
    async revokeGrant(grantId) {
      if (!isGrantId(requireId(grantId, 'grantId'))) return;
      return backend.revokeGrant(grantId);
    },
    async saveUser(user, expiresAt) {
      validateUser(user);
      return backend.saveUser(user, optionalTime(expiresAt, 'expiresAt'));
    },
    async getUser(userId) {
      return backend.getUser(requireId(userId, 'userId'));
    },
    async getUserIdByProviderIdentity(providerName, upstreamSubject) {
      return backend.getUserIdByProviderIdentity(
        provider(providerName),
        requireId(upstreamSubject, 'upstreamSubject'),
      );
    },
    async linkProviderIdentity(providerName, upstreamSubject, userId, expiresAt) {
      provider(providerName);
      requireId(upstreamSubject, 'upstreamSubject');
      requireId(userId, 'userId');
      return backend.linkProviderIdentity(
        providerName,
        upstreamSubject,
        userId,
        optionalTime(expiresAt, 'expiresAt'),
      );
    },
    async retainUser(userId, until, identities) {
      requireId(userId, 'userId');
      requireTime(until, 'until');
      if (!Array.isArray(identities))
        throw new InvalidStorageArgumentError('identities must be an array of provider identities');
      for (const identity of identities) {
        if (typeof identity !== 'object' || identity === null)
          throw new InvalidStorageArgumentError('each identity must be { providerName, upstreamSubject }');
        provider(identity.providerName);
        requireId(identity.upstreamSubject, 'upstreamSubject');
      }
      return backend.retainUser(userId, until, identities);
    },
    async storeUpstreamTokens(sessionId, providerName, tokens) {
      requireSessionId(sessionId);
      provider(providerName);
      validateUpstreamTokens(tokens);
      return backend.storeUpstreamTokens(sessionId, providerName, tokens);
    },
    async replaceUpstreamTokens(sessionId, providerName, tokens) {
      requireSessionId(sessionId);
      provider(providerName);
      validateUpstreamTokens(tokens);
      return backend.replaceUpstreamTokens(sessionId, providerName, tokens);
    },
    async setUpstreamSessionExpiry(sessionId, sessionExpiresAt, options) {
      requireSessionId(sessionId);
      requireTime(sessionExpiresAt, 'sessionExpiresAt');
      if (options !== undefined && (typeof options !== 'object' || options === null))
        throw new InvalidStorageArgumentError('options must be an object');
      const provisional = options?.provisional;
      if (provisional !== undefined && typeof provisional !== 'boolean')
        throw new InvalidStorageArgumentError('options.provisional must be a boolean');
      return backend.setUpstreamSessionExpiry(sessionId, sessionExpiresAt, {
        provisional: provisional === true,
      });
    },
    async getUpstreamTokens(sessionId, providerName) {
      requireSessionId(sessionId);
      return backend.getUpstreamTokens(sessionId, provider(providerName));
    },
    async getAllUpstreamTokens(sessionId) {
      return backend.getAllUpstreamTokens(requireSessionId(sessionId));
    },
    async getUpstreamTokensFor(sessionId, providerNames) {
      requireSessionId(sessionId);
      if (!Array.isArray(providerNames))
        throw new InvalidStorageArgumentError('providerNames must be an array of provider names');
      for (const name of providerNames) provider(name);
      return backend.getUpstreamTokensFor(sessionId, providerNames);
    },
    async deleteUpstreamTokens(sessionId) {
      return backend.deleteUpstreamTokens(requireSessionId(sessionId));
    },
    async deleteUpstreamTokensForProvider(sessionId, providerName) {
      requireSessionId(sessionId);
      return backend.deleteUpstreamTokensForProvider(sessionId, provider(providerName));
    },
    async tryAcquireLock(name, ttlMs) {
      requireId(name, 'name');
      if (!Number.isInteger(ttlMs) || ttlMs < 1)
        throw new InvalidStorageArgumentError('ttlMs must be a positive integer');
      return backend.tryAcquireLock(name, ttlMs);
    },
    async extendLock(name, ownerToken, ttlMs) {
      requireId(name, 'name');
      requireId(ownerToken, 'ownerToken');
      if (!Number.isInteger(ttlMs) || ttlMs < 1)
        throw new InvalidStorageArgumentError('ttlMs must be a positive integer');
      return backend.extendLock(name, ownerToken, ttlMs);
    },
    async releaseLock(name, ownerToken) {
      requireId(name, 'name');
      return backend.releaseLock(name, requireId(ownerToken, 'ownerToken'));
    },
    ping: () => backend.ping(),
    close: () => backend.close(),
  };
}
