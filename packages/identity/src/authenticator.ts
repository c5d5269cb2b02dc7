import type { LockStore, UpstreamTokenStore, UpstreamTokens } from '@auth/storage';
import type { UpstreamClient } from '@auth/upstream';
import type { JSONWebKeySet } from 'jose';
import type { AuthRejection, AuthResult } from './auth-result.js';
import { IdentityError, IdentityOptionsError } from './errors.js';
import type { Identity, UpstreamState } from './identity.js';
import { extractBearerToken } from './internal/bearer-token.js';
import { needsRefresh, RefreshCoordinator, type RefreshOutcome } from './internal/refresh-coordinator.js';
import { createTokenVerifier } from './internal/token-verifier.js';
import { bearerChallenge } from './internal/www-authenticate.js';
import { createLocalJwks, createRemoteJwks, type JwksSource } from './jwks-source.js';
import { type Logger, silentLogger } from './logger.js';

/** Options of {@link createAuthenticator}. */
export interface AuthenticatorOptions {
  /** The authorization server's issuer; the token's `iss` must equal it (RFC 9068 §4). */
  issuer: string;
  /** This route's resource URL; the token's `aud` must contain it (RFC 9068 §4, RFC 8707). */
  audience: string;
  /** A fixed key set, the AS's `jwks_uri` (fetched and cached), or a shared {@link JwksSource}. */
  jwks: JSONWebKeySet | URL | JwksSource;
  /** Where upstream tokens and refresh locks live. */
  storage: UpstreamTokenStore & LockStore;
  /** Upstream IdP clients by provider name, used to refresh expired upstream tokens. */
  upstreamClients?: Readonly<Record<string, Pick<UpstreamClient, 'refresh'>>>;
  /** RFC 9728 protected-resource metadata URL, sent as `resource_metadata` (RFC 9728 §5.1). */
  resourceMetadataUrl: string | URL;
  /** Leeway for `exp`/`nbf` (default 5). */
  clockToleranceSeconds?: number;
  /** Refresh upstream tokens that expire within this many seconds (default 30). */
  refreshSkewSeconds?: number;
  /** Verified tokens kept in memory (default 10 000; 0 disables the cache). */
  verifiedTokenCacheSize?: number;
  /**
   * Lifetime of the cross-process refresh lock (default 30 000 ms). Keep it above the upstream
   * client's timeout plus two storage operations: a refresh that outlives its lock is repeated
   * by another instance with the same refresh token.
   */
  refreshLockTtlMs?: number;
  /** How long a request waits for another process's refresh (default 10 000 ms). */
  refreshWaitTimeoutMs?: number;
  /** Minimum time between two JWKS fetches when `jwks` is a URL (default 30 s). */
  jwksCooldownSeconds?: number;
  /** `fetch` used for the JWKS when `jwks` is a URL. */
  fetch?: typeof fetch;
  logger?: Logger;
  /** Clock in epoch ms (default `Date.now`). */
  now?: () => number;
}

/** The request parts authentication reads. */
export interface AuthenticateRequest {
  /** The `Authorization` header value. */
  authorization?: string | undefined;
}

/** Per-request options of `authenticate`. */
export interface AuthenticateOptions {
  /** Providers whose expired (or about-to-expire) upstream token is refreshed before use. */
  refreshProviders?: readonly string[];
}

/** Framework-free bearer authentication (RFC 6750, RFC 9068) with upstream-token enrichment. */
export interface Authenticator {
  /** Never throws: a bad request, a bad token or an outage gives `{ ok: false, rejection }`. */
  authenticate(request: AuthenticateRequest, options?: AuthenticateOptions): Promise<AuthResult>;
  /** The `resource_metadata` URL this authenticator advertises. */
  readonly resourceMetadataUrl: string;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new IdentityOptionsError(`${name} must be a non-negative number`);
  }
  return value;
}

/** `LockStore.tryAcquireLock` takes a positive integer TTL: anything else would fail every refresh. */
function lockTtl(value: number | undefined): number {
  if (value === undefined) return 30_000;
  if (!Number.isInteger(value) || value < 1) {
    throw new IdentityOptionsError('refreshLockTtlMs must be a positive integer');
  }
  return value;
}

function isJwksSource(value: unknown): value is JwksSource {
  return (
    typeof (value as JwksSource).getKey === 'function' && typeof (value as JwksSource).hasKey === 'function'
  );
}

function validUrl(name: string, value: unknown): string {
  const text = value instanceof URL ? value.href : value;
  if (typeof text !== 'string' || !URL.canParse(text))
    throw new IdentityOptionsError(`${name} must be a URL`);
  return text;
}

/** Creates the identity middleware's core (SPEC §8.1–§8.4). Invalid options throw `IdentityOptionsError`. */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  if (typeof options.issuer !== 'string' || options.issuer === '') {
    throw new IdentityOptionsError('issuer must be a non-empty string');
  }
  if (typeof options.audience !== 'string' || options.audience === '') {
    throw new IdentityOptionsError('audience must be a non-empty string');
  }
  const resourceMetadataUrl = validUrl('resourceMetadataUrl', options.resourceMetadataUrl);
  const storage = options.storage;
  for (const method of [
    'getAllUpstreamTokens',
    'getUpstreamTokens',
    'storeUpstreamTokens',
    'replaceUpstreamTokens',
    'deleteUpstreamTokensForProvider',
    'tryAcquireLock',
    'releaseLock',
  ] as const) {
    if (typeof storage?.[method] !== 'function')
      throw new IdentityOptionsError(`storage.${method} is missing`);
  }
  const now = options.now ?? Date.now;
  const logger = options.logger ?? silentLogger;
  const clockToleranceSeconds = positive('clockToleranceSeconds', options.clockToleranceSeconds, 5);
  const skewMs = positive('refreshSkewSeconds', options.refreshSkewSeconds, 30) * 1000;
  // Own entries only (a null-prototype copy): a provider may be named like `constructor`.
  const clients: Record<string, Pick<UpstreamClient, 'refresh'>> = Object.assign(
    Object.create(null),
    options.upstreamClients,
  );

  let jwks: JwksSource;
  if (options.jwks instanceof URL) {
    const remote: Parameters<typeof createRemoteJwks>[0] = { url: options.jwks, logger, now };
    if (options.jwksCooldownSeconds !== undefined) remote.cooldownSeconds = options.jwksCooldownSeconds;
    if (options.fetch !== undefined) remote.fetch = options.fetch;
    jwks = createRemoteJwks(remote);
  } else if (isJwksSource(options.jwks)) {
    jwks = options.jwks;
  } else {
    jwks = createLocalJwks(options.jwks);
  }

  const verify = createTokenVerifier({
    issuer: options.issuer,
    audience: options.audience,
    jwks,
    clockToleranceSeconds,
    cacheSize: Math.floor(positive('verifiedTokenCacheSize', options.verifiedTokenCacheSize, 10_000)),
    now,
  });
  const refresher = new RefreshCoordinator({
    storage,
    clients,
    skewMs,
    lockTtlMs: lockTtl(options.refreshLockTtlMs),
    waitTimeoutMs: positive('refreshWaitTimeoutMs', options.refreshWaitTimeoutMs, 10_000),
    now,
    logger,
  });

  function reject(reason: IdentityError): AuthRejection {
    const headers: Record<string, string> = { 'cache-control': 'no-store' };
    if (reason.status === 503) {
      headers['retry-after'] = '5';
    } else {
      headers['www-authenticate'] = bearerChallenge(reason, resourceMetadataUrl);
    }
    return {
      status: reason.status,
      headers,
      body: { error: reason.error ?? 'unauthorized', error_description: reason.message },
      reason,
    };
  }

  async function resolveProvider(
    sessionId: string,
    provider: string,
    tokens: UpstreamTokens,
    refresh: boolean,
  ): Promise<[UpstreamState, string | undefined]> {
    const at = now();
    const expiresAt = tokens.expiresAt;
    const stateOf = (
      status: UpstreamState['status'],
      t: UpstreamTokens | undefined,
      reason?: string,
    ): UpstreamState => {
      const state: UpstreamState = { status };
      if (t?.expiresAt !== undefined) state.expiresAt = t.expiresAt;
      if (reason !== undefined) state.reason = reason;
      return state;
    };
    if (!needsRefresh(tokens, at, skewMs)) return [stateOf('ok', tokens), tokens.accessToken];
    const expired = expiresAt !== undefined && expiresAt <= at;
    if (!refresh || tokens.refreshToken === undefined || clients[provider] === undefined) {
      if (!expired) return [stateOf('ok', tokens), tokens.accessToken];
      const why = !refresh
        ? 'not refreshed for this route'
        : tokens.refreshToken === undefined
          ? 'no refresh token'
          : 'no upstream client to refresh with';
      return [stateOf('expired', tokens, why), undefined];
    }
    const outcome: RefreshOutcome = await refresher.refresh(sessionId, provider, tokens);
    switch (outcome.status) {
      case 'ok':
        return [stateOf('ok', outcome.tokens), outcome.tokens.accessToken];
      case 'revoked':
        return [stateOf('revoked', undefined, outcome.reason), undefined];
      case 'unavailable':
      case 'expired': {
        const stillValid = outcome.tokens.expiresAt !== undefined && outcome.tokens.expiresAt > now();
        // A transient failure inside the skew window: the current token still works, keep using it.
        if (stillValid) return [stateOf('ok', outcome.tokens, outcome.reason), outcome.tokens.accessToken];
        return [stateOf(outcome.status, outcome.tokens, outcome.reason), undefined];
      }
    }
  }

  async function enrich(
    sessionId: string,
    refreshProviders: readonly string[],
  ): Promise<Pick<Identity, 'upstreamTokens' | 'upstreams'>> {
    // SPEC §8.3: exactly one bulk read per request, whatever the number of providers.
    const all = await storage.getAllUpstreamTokens(sessionId);
    const upstreamTokens: Record<string, string> = {};
    const upstreams: Record<string, UpstreamState> = {};
    const entries = Object.entries(all);
    const resolved = await Promise.all(
      entries.map(([provider, tokens]) =>
        resolveProvider(sessionId, provider, tokens, refreshProviders.includes(provider)),
      ),
    );
    entries.forEach(([provider], index) => {
      const [state, accessToken] = resolved[index]!;
      upstreams[provider] = state;
      if (accessToken !== undefined) upstreamTokens[provider] = accessToken;
    });
    return { upstreamTokens, upstreams };
  }

  async function authenticate(
    request: AuthenticateRequest,
    opts: AuthenticateOptions = {},
  ): Promise<AuthResult> {
    let token: string;
    let verified: Awaited<ReturnType<typeof verify>>;
    try {
      token = extractBearerToken(request.authorization);
      verified = await verify(token);
    } catch (error) {
      const reason =
        error instanceof IdentityError
          ? error
          : new IdentityError('ERR_IDENTITY_TOKEN_MALFORMED', 'The access token is malformed', {
              cause: error,
            });
      logger.debug({ code: reason.code, detail: reason.detail }, 'bearer token rejected');
      return { ok: false, rejection: reject(reason) };
    }
    const { claims } = verified;
    let upstream: Pick<Identity, 'upstreamTokens' | 'upstreams'>;
    try {
      upstream = await enrich(claims.tsid, opts.refreshProviders ?? []);
    } catch (error) {
      // SPEC §8.3: storage down is 503, never a pass.
      const reason = new IdentityError(
        'ERR_IDENTITY_STORAGE_UNAVAILABLE',
        'The service is temporarily unavailable',
        {
          detail: error instanceof Error ? `${error.name}: ${error.message}` : 'storage failed',
          cause: error,
        },
      );
      logger.error({ code: reason.code, detail: reason.detail }, 'upstream token enrichment failed');
      return { ok: false, rejection: reject(reason) };
    }
    return {
      ok: true,
      identity: {
        subject: claims.sub,
        clientId: claims.client_id,
        scopes: verified.scopes,
        claims,
        token,
        sessionId: claims.tsid,
        ...upstream,
      },
    };
  }

  return { authenticate, resourceMetadataUrl };
}
