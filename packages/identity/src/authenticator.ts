import { guardedObserver, type Logger } from '@auth/protocol';
import type { LockStore, UpstreamTokenStore } from '@auth/storage';
import type { UpstreamClient } from '@auth/upstream';
import type { JSONWebKeySet } from 'jose';
import type { AuthResult } from './auth-result.js';
import { IdentityError } from './errors.js';
import type { IdentityEvents } from './identity-events.js';
import { authenticatorSettings } from './internal/authenticator-settings.js';
import { extractBearerToken, hasQueryAccessToken } from './internal/bearer-token.js';
import { RefreshCoordinator } from './internal/refresh-coordinator.js';
import { rejection } from './internal/rejection.js';
import { createTokenVerifier } from './internal/token-verifier.js';
import { createUpstreamEnrichment, type UpstreamPart } from './internal/upstream-enrichment.js';
import type { VerifiedToken } from './internal/verified-token-cache.js';
import type { JwksSource } from './jwks-source.js';

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
  /**
   * The providers whose upstream tokens an `Identity` carries (the gateway's configured upstreams).
   * Given, each request reads just those (`getUpstreamTokensFor`: one plain Redis `MGET`); absent,
   * every provider the session holds (`getAllUpstreamTokens`: one Redis script call, dearer).
   */
  providers?: readonly string[];
  /** RFC 9728 protected-resource metadata URL, sent as `resource_metadata` (RFC 9728 §5.1). */
  resourceMetadataUrl: string | URL;
  /**
   * RFC 6750 §3 `scope` of this resource's challenges: the scopes a client should request for it
   * (the MCP authorization spec's scope selection reads it from the 401). Not enforced. Default none.
   */
  challengeScope?: readonly string[];
  /** Leeway for `exp`/`nbf` (default 5). */
  clockToleranceSeconds?: number;
  /** Refresh upstream tokens that expire within this many seconds (default 30). */
  refreshSkewSeconds?: number;
  /** Verified tokens kept in memory (default 10 000; 0 disables the cache). */
  verifiedTokenCacheSize?: number;
  /**
   * Lifetime of the cross-process refresh lock (default 3 000 ms). The holder renews it every third
   * of its lifetime while the refresh runs (`LockStore.extendLock`), so it may be shorter than the
   * refresh: a process that dies holding it blocks that token for at most this long.
   */
  refreshLockTtlMs?: number;
  /**
   * How long a request waits for another process's refresh (default 5 000 ms); then the provider
   * is `unavailable` (upstreamswap answers 503 with `Retry-After`). At least `refreshLockTtlMs`
   * lets a waiter take over the lock of a process that died.
   */
  refreshWaitTimeoutMs?: number;
  /** Minimum time between two JWKS fetches when `jwks` is a URL (default 30 s). */
  jwksCooldownSeconds?: number;
  /** `fetch` used for the JWKS when `jwks` is a URL. */
  fetch?: typeof fetch;
  logger?: Logger;
  /** Observer of upstream refreshes (metrics); default none. See {@link IdentityEvents}. */
  events?: IdentityEvents;
  /** Clock in epoch ms (default `Date.now`). */
  now?: () => number;
}

/** The request parts authentication reads. */
export interface AuthenticateRequest {
  /** The `Authorization` header value. */
  authorization?: string | undefined;
  /**
   * The request target (path and query). An `access_token` in its query is refused (RFC 6750 §2.3
   * is not supported; with a header too, the token was sent two ways, §2): 400 `invalid_request`.
   */
  url?: string | undefined;
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

/** RFC 6750 §2: the token in the query is refused, alone (§2.3 unsupported) or with the header. */
function refuseQueryToken(request: AuthenticateRequest): void {
  if (request.url === undefined || !hasQueryAccessToken(request.url)) return;
  throw new IdentityError(
    'ERR_IDENTITY_INVALID_REQUEST',
    request.authorization === undefined
      ? 'The access token must not be sent in the URL'
      : 'The access token must be sent in one way only',
  );
}

/**
 * Creates the identity middleware's core: bearer verification (RFC 6750, RFC 9068 §4) and
 * upstream-token enrichment with refresh on read. Invalid options throw `IdentityOptionsError`.
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const settings = authenticatorSettings(options);
  const { resourceMetadataUrl, logger, clients, challengeScope } = settings;
  const verify = createTokenVerifier({
    issuer: settings.issuer,
    audience: settings.audience,
    jwks: settings.jwks,
    clockToleranceSeconds: settings.clockToleranceSeconds,
    cacheSize: settings.verifiedTokenCacheSize,
    now: settings.now,
  });
  const { providers } = settings;
  const enrich = createUpstreamEnrichment({
    read:
      providers === undefined
        ? (sessionId) => settings.storage.getAllUpstreamTokens(sessionId)
        : (sessionId) => settings.storage.getUpstreamTokensFor(sessionId, providers),
    refresher: new RefreshCoordinator({
      storage: settings.storage,
      clients,
      skewMs: settings.skewMs,
      lockTtlMs: settings.refreshLockTtlMs,
      waitTimeoutMs: settings.refreshWaitTimeoutMs,
      now: settings.now,
      logger,
      events: guardedObserver(options.events, logger),
    }),
    canRefresh: (provider) => clients[provider] !== undefined,
    skewMs: settings.skewMs,
    now: settings.now,
  });
  const noRefresh: readonly string[] = [];

  async function authenticate(
    request: AuthenticateRequest,
    opts: AuthenticateOptions = {},
  ): Promise<AuthResult> {
    let token: string;
    let verified: VerifiedToken;
    try {
      refuseQueryToken(request);
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
      return { ok: false, rejection: rejection(reason, resourceMetadataUrl, challengeScope) };
    }
    const { claims } = verified;
    let upstream: UpstreamPart;
    try {
      // One bulk read per request, whatever the number of providers.
      upstream = await enrich(claims.tsid, opts.refreshProviders ?? noRefresh);
    } catch (error) {
      // Storage down is 503, never a pass.
      const reason = new IdentityError(
        'ERR_IDENTITY_STORAGE_UNAVAILABLE',
        'The service is temporarily unavailable',
        {
          detail: error instanceof Error ? `${error.name}: ${error.message}` : 'storage failed',
          cause: error,
        },
      );
      logger.error({ code: reason.code, detail: reason.detail }, 'upstream token enrichment failed');
      return { ok: false, rejection: rejection(reason, resourceMetadataUrl, challengeScope) };
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
        upstreamTokens: upstream.upstreamTokens,
        upstreams: upstream.upstreams,
      },
    };
  }

  return { authenticate, resourceMetadataUrl };
}
