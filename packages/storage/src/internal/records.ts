import { InvalidStorageArgumentError } from '../errors.js';
import type { AuthorizationCodeRecord } from '../ports/authorization-code-store.js';
import type { OAuthClient } from '../ports/client-store.js';
import type { Grant } from '../ports/grant-store.js';
import type { PendingAuthorization } from '../ports/pending-authorization-store.js';
import type { User } from '../ports/user-store.js';
import { requireGrantId } from './refresh-token.js';
import { requireId, requireObject, requireSessionId, requireString, requireTime } from './validate.js';

/** Checks the fields a backend relies on; the rest is stored as given. */
export function validateClient(value: unknown): OAuthClient {
  const client = requireObject(value, 'client');
  requireId(client['clientId'], 'client.clientId');
  if (!Array.isArray(client['redirectUris'])) {
    throw new InvalidStorageArgumentError('client.redirectUris must be an array');
  }
  if (client['clientSecret'] !== undefined) {
    const secret = requireString(client['clientSecret'], 'client.clientSecret');
    if (secret.length === 0) throw new InvalidStorageArgumentError('client.clientSecret must not be empty');
  }
  return client as unknown as OAuthClient;
}

/** Checks the fields of either kind: a consent needs its CSRF token, a leg its session, provider and PKCE values. */
export function validatePending(value: unknown): PendingAuthorization {
  const pending = requireObject(value, 'pending');
  requireId(pending['id'], 'pending.id');
  requireTime(pending['expiresAt'], 'pending.expiresAt');
  requireObject(pending['request'], 'pending.request');
  if (pending['kind'] === 'consent') {
    requireId(pending['csrfToken'], 'pending.csrfToken');
  } else if (pending['kind'] === 'leg') {
    requireSessionId(pending['sessionId']);
    requireId(pending['providerName'], 'pending.providerName');
    requireId(pending['codeVerifier'], 'pending.codeVerifier');
    requireId(pending['nonce'], 'pending.nonce');
    if (!Array.isArray(pending['skippedProviders'])) {
      throw new InvalidStorageArgumentError('pending.skippedProviders must be an array');
    }
  } else {
    throw new InvalidStorageArgumentError("pending.kind must be 'consent' or 'leg'");
  }
  return pending as unknown as PendingAuthorization;
}

export function validateCodeRecord(value: unknown): AuthorizationCodeRecord {
  const record = requireObject(value, 'record');
  requireId(record['clientId'], 'record.clientId');
  requireGrantId(record['grantId'], 'record.grantId');
  requireSessionId(record['sessionId']);
  requireTime(record['expiresAt'], 'record.expiresAt');
  return record as unknown as AuthorizationCodeRecord;
}

export function validateGrant(value: unknown): Grant {
  const grant = requireObject(value, 'grant');
  requireGrantId(grant['grantId'], 'grant.grantId');
  requireId(grant['clientId'], 'grant.clientId');
  requireSessionId(grant['sessionId']);
  requireTime(grant['expiresAt'], 'grant.expiresAt');
  return grant as unknown as Grant;
}

export function validateUser(value: unknown): User {
  const user = requireObject(value, 'user');
  requireId(user['id'], 'user.id');
  return user as unknown as User;
}

/** The client as reads return it: never the secret, only whether there is one. */
export function publicClient(client: OAuthClient, hasSecret: boolean): OAuthClient {
  const { clientSecret: _secret, hasSecret: _has, ...rest } = client;
  return hasSecret ? { ...rest, hasSecret: true } : { ...rest, hasSecret: false };
}
