import { isScopeToken, type Logger, silentLogger } from '@auth/protocol';
import type { LockStore, UpstreamTokenStore } from '@auth/storage';
import type { UpstreamClient } from '@auth/upstream';
import type { AuthenticatorOptions } from '../authenticator.js';
import { IdentityOptionsError } from '../errors.js';
import { createLocalJwks, createRemoteJwks, type JwksSource } from '../jwks-source.js';

/** {@link AuthenticatorOptions} checked, with defaults applied. */
export interface AuthenticatorSettings {
  issuer: string;
  audience: string;
  resourceMetadataUrl: string;
  /** The space-delimited `scope` of the challenges, or `undefined` for none. */
  challengeScope: string | undefined;
  jwks: JwksSource;
  storage: UpstreamTokenStore & LockStore;
  /** The providers an `Identity` carries; `undefined`: every provider the session holds. */
  providers: readonly string[] | undefined;
  /** Own entries only (a null-prototype copy): a provider may be named like `constructor`. */
  clients: Readonly<Record<string, Pick<UpstreamClient, 'refresh' | 'timeoutMs'>>>;
  clockToleranceSeconds: number;
  skewMs: number;
  verifiedTokenCacheSize: number;
  refreshLockTtlMs: number;
  refreshWaitTimeoutMs: number;
  logger: Logger;
  now: () => number;
}

const STORAGE_METHODS = [
  'getAllUpstreamTokens',
  'getUpstreamTokens',
  'storeUpstreamTokens',
  'replaceUpstreamTokens',
  'deleteUpstreamTokensForProvider',
  'tryAcquireLock',
  'extendLock',
  'releaseLock',
] as const;

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new IdentityOptionsError(`${name} must be a non-negative number`);
  }
  return value;
}

/** `LockStore.tryAcquireLock` takes a positive integer TTL: anything else would fail every refresh. */
function lockTtl(value: number | undefined): number {
  if (value === undefined) return 3_000;
  if (!Number.isInteger(value) || value < 1) {
    throw new IdentityOptionsError('refreshLockTtlMs must be a positive integer');
  }
  return value;
}

/** A frozen copy of the provider names, each a non-empty string, without repeats. */
function providerList(value: readonly string[] | undefined): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new IdentityOptionsError('providers must be an array of provider names');
  for (const name of value) nonEmpty('each of providers', name);
  return Object.freeze([...new Set(value)]);
}

/** The challenge's `scope` value: scope tokens joined by spaces; `undefined` for none. */
function challengeScope(value: readonly string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((scope) => typeof scope === 'string' && isScopeToken(scope)))
    throw new IdentityOptionsError('challengeScope must be an array of scope tokens (RFC 6749 §3.3)');
  return value.length === 0 ? undefined : [...new Set(value)].join(' ');
}

function nonEmpty(name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '')
    throw new IdentityOptionsError(`${name} must be a non-empty string`);
  return value;
}

function validUrl(name: string, value: unknown): string {
  const text = value instanceof URL ? value.href : value;
  if (typeof text !== 'string' || !URL.canParse(text))
    throw new IdentityOptionsError(`${name} must be a URL`);
  return text;
}

function isJwksSource(value: unknown): value is JwksSource {
  return (
    typeof (value as JwksSource).getKey === 'function' && typeof (value as JwksSource).hasKey === 'function'
  );
}

function jwksSource(options: AuthenticatorOptions, logger: Logger, now: () => number): JwksSource {
  if (options.jwks instanceof URL) {
    const remote: Parameters<typeof createRemoteJwks>[0] = { url: options.jwks, logger, now };
    if (options.jwksCooldownSeconds !== undefined) remote.cooldownSeconds = options.jwksCooldownSeconds;
    if (options.fetch !== undefined) remote.fetch = options.fetch;
    return createRemoteJwks(remote);
  }
  return isJwksSource(options.jwks) ? options.jwks : createLocalJwks(options.jwks);
}

/** Checks every option once, at creation; invalid ones throw `IdentityOptionsError`. */
export function authenticatorSettings(options: AuthenticatorOptions): AuthenticatorSettings {
  const issuer = nonEmpty('issuer', options.issuer);
  const audience = nonEmpty('audience', options.audience);
  const resourceMetadataUrl = validUrl('resourceMetadataUrl', options.resourceMetadataUrl);
  const storage = options.storage;
  for (const method of STORAGE_METHODS) {
    if (typeof storage?.[method] !== 'function')
      throw new IdentityOptionsError(`storage.${method} is missing`);
  }
  const providers = providerList(options.providers);
  if (providers !== undefined && typeof storage.getUpstreamTokensFor !== 'function')
    throw new IdentityOptionsError('storage.getUpstreamTokensFor is missing (needed with providers)');
  const now = options.now ?? Date.now;
  const logger = options.logger ?? silentLogger;
  return {
    issuer,
    audience,
    resourceMetadataUrl,
    challengeScope: challengeScope(options.challengeScope),
    jwks: jwksSource(options, logger, now),
    storage,
    providers,
    clients: Object.assign(Object.create(null), options.upstreamClients),
    clockToleranceSeconds: nonNegative('clockToleranceSeconds', options.clockToleranceSeconds, 5),
    skewMs: nonNegative('refreshSkewSeconds', options.refreshSkewSeconds, 30) * 1000,
    verifiedTokenCacheSize: Math.floor(
      nonNegative('verifiedTokenCacheSize', options.verifiedTokenCacheSize, 10_000),
    ),
    refreshLockTtlMs: lockTtl(options.refreshLockTtlMs),
    refreshWaitTimeoutMs: nonNegative('refreshWaitTimeoutMs', options.refreshWaitTimeoutMs, 5_000),
    logger,
    now,
  };
}
