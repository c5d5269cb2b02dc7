import { type Logger, silentLogger } from '@auth/protocol';
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { IdentityError, IdentityOptionsError } from './errors.js';

/** Where verification keys come from: a fixed key set, or the AS's JWKS URL (RFC 7517 §5). */
export interface JwksSource {
  /** Resolves the key for a JWS header (jose's key-resolver shape); may refetch once on an unknown `kid`. */
  readonly getKey: JWTVerifyGetKey;
  /** Whether a key with this `kid` is in the key set as last fetched. */
  hasKey(kid: string): boolean;
}

/** Options of {@link createRemoteJwks}. */
export interface RemoteJwksOptions {
  /** The authorization server's `jwks_uri` (RFC 8414 §2). */
  url: URL;
  /** Minimum time between two fetches (default 30 s): an unknown `kid` refetches at most this often. */
  cooldownSeconds?: number;
  /** After this age (default 600 s) the set is refetched in the background, so removed keys are forgotten. */
  maxAgeSeconds?: number;
  /** Timeout of one fetch (default 5000 ms). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  logger?: Logger;
  /** Clock in epoch ms (default `Date.now`). */
  now?: () => number;
}

const FAILURE_BACKOFF_MS = 1000;

function kidsOf(jwks: JSONWebKeySet): Set<string> {
  const kids = new Set<string>();
  for (const key of jwks.keys) if (typeof key.kid === 'string') kids.add(key.kid);
  return kids;
}

function isKeySet(value: unknown): value is JSONWebKeySet {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as { keys?: unknown }).keys) &&
    (value as { keys: unknown[] }).keys.every((k) => typeof k === 'object' && k !== null && !Array.isArray(k))
  );
}

/** A fixed key set: an unknown `kid` is rejected without any fetch. */
export function createLocalJwks(jwks: JSONWebKeySet): JwksSource {
  if (!isKeySet(jwks)) throw new IdentityOptionsError('jwks: not a JSON Web Key Set');
  const kids = kidsOf(jwks);
  const getKey = createLocalJWKSet(jwks);
  return { getKey, hasKey: (kid) => kids.has(kid) };
}

/**
 * The AS's JWKS fetched over HTTP and cached; refetched once on an unknown `kid`
 * (with a cooldown) and in the background when older than `maxAgeSeconds`.
 * Share one between authenticators of the same AS.
 */
export function createRemoteJwks(options: RemoteJwksOptions): JwksSource {
  if (!(options.url instanceof URL)) throw new IdentityOptionsError('jwks: the JWKS URL must be a URL');
  const cooldownMs = (options.cooldownSeconds ?? 30) * 1000;
  const maxAgeMs = (options.maxAgeSeconds ?? 600) * 1000;
  const timeoutMs = options.timeoutMs ?? 5000;
  if (!(cooldownMs >= 0) || !(maxAgeMs > 0) || !(timeoutMs > 0)) {
    throw new IdentityOptionsError(
      'jwks: cooldownSeconds, maxAgeSeconds and timeoutMs must be positive numbers',
    );
  }
  const doFetch = options.fetch ?? fetch;
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  const url = options.url.href;

  let current: { getKey: JWTVerifyGetKey; kids: Set<string>; fetchedAt: number } | undefined;
  let lastAttemptAt = Number.NEGATIVE_INFINITY;
  let lastFailureAt = Number.NEGATIVE_INFINITY;
  let inflight: Promise<void> | undefined;

  async function load(): Promise<void> {
    lastAttemptAt = now();
    let body: unknown;
    try {
      const response = await doFetch(url, {
        headers: { accept: 'application/json' },
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) throw new Error(`JWKS endpoint answered ${response.status}`);
      body = await response.json();
    } catch (cause) {
      lastFailureAt = now();
      throw new IdentityError(
        'ERR_IDENTITY_JWKS_UNAVAILABLE',
        'The authorization server keys are unavailable',
        {
          detail: cause instanceof Error ? cause.message : 'JWKS fetch failed',
          cause,
        },
      );
    }
    if (!isKeySet(body)) {
      lastFailureAt = now();
      throw new IdentityError(
        'ERR_IDENTITY_JWKS_UNAVAILABLE',
        'The authorization server keys are unavailable',
        {
          detail: 'JWKS response is not a JSON Web Key Set',
        },
      );
    }
    const kids = kidsOf(body);
    current = { getKey: createLocalJWKSet(body), kids, fetchedAt: now() };
    logger.debug({ jwksUri: url, kids: [...kids] }, 'JWKS fetched');
  }

  function reload(): Promise<void> {
    inflight ??= load().finally(() => {
      inflight = undefined;
    });
    return inflight;
  }

  /** Stale-while-revalidate: an old set keeps serving while a background fetch replaces it. */
  function refreshIfStale(): void {
    if (current === undefined || inflight !== undefined) return;
    const at = now();
    if (at - current.fetchedAt <= maxAgeMs || at - lastAttemptAt < cooldownMs) return;
    reload().catch((error: unknown) => {
      logger.warn(
        { jwksUri: url, err: error instanceof IdentityError ? error.detail : 'unknown' },
        'JWKS background refresh failed; keeping the cached keys',
      );
    });
  }

  const getKey: JWTVerifyGetKey = async (header, token) => {
    // Stale-while-revalidate: only the first load is waited for here; a refetch in flight never
    // holds up tokens signed by a key already known (an unknown kid joins it below).
    if (!current && inflight) await inflight.catch(() => {});
    if (!current) {
      // While the AS is unreachable, answer from memory instead of fetching once per request.
      if (now() - lastFailureAt < FAILURE_BACKOFF_MS) {
        throw new IdentityError(
          'ERR_IDENTITY_JWKS_UNAVAILABLE',
          'The authorization server keys are unavailable',
          {
            detail: 'JWKS fetch failed recently',
          },
        );
      }
      await reload();
    }
    const loaded = current!;
    refreshIfStale();
    try {
      return await loaded.getKey(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      if (inflight) {
        await inflight.catch(() => {});
      } else if (now() - lastAttemptAt >= cooldownMs) {
        await reload();
      } else {
        throw error;
      }
      if (!current || current === loaded) throw error;
      return current.getKey(header, token);
    }
  };

  return {
    getKey,
    hasKey(kid) {
      refreshIfStale();
      return current?.kids.has(kid) ?? false;
    },
  };
}
