import type { Logger } from '@auth/protocol';
import type { LockStore, UpstreamTokenStore, UpstreamTokens } from '@auth/storage';
import { type UpstreamClient, UpstreamError, type UpstreamTokenSet } from '@auth/upstream';
import type { IdentityEvents } from '../identity-events.js';
import { sleep } from './sleep.js';

/** What refreshing one provider's token gave. `reason` never holds a token value. */
export type RefreshOutcome =
  | { status: 'ok'; tokens: UpstreamTokens }
  | { status: 'revoked'; reason: string }
  | { status: 'unavailable'; reason: string; tokens: UpstreamTokens }
  | { status: 'expired'; reason: string; tokens: UpstreamTokens };

export interface RefreshCoordinatorOptions {
  storage: UpstreamTokenStore & LockStore;
  clients: Readonly<Record<string, Pick<UpstreamClient, 'refresh' | 'timeoutMs'>>>;
  skewMs: number;
  /** Lifetime of the cross-process lock; renewed every third of it while the refresh runs. */
  lockTtlMs: number;
  /** How long a request polls for the result of a refresh another process holds the lock for. */
  waitTimeoutMs: number;
  now: () => number;
  logger: Logger;
  /** Told how each refresh this process sent ended. */
  events: Required<IdentityEvents>;
}

const FIRST_POLL_MS = 10;
const MAX_POLL_MS = 200;
/** How long a request waits for its own refresh when the client states no `timeoutMs`. */
const DEFAULT_ANSWER_TIMEOUT_MS = 10_000;

/**
 * True when the access token is expired or expires within the refresh window: `skewMs`, or
 * half the token's lifetime when that is shorter (known from `obtainedAt`), so an upstream
 * whose tokens live less than the skew is not refreshed again by every request.
 */
export function needsRefresh(tokens: UpstreamTokens, now: number, skewMs: number): boolean {
  const { expiresAt, obtainedAt } = tokens;
  if (expiresAt === undefined) return false;
  const remaining = expiresAt - now;
  if (remaining <= 0) return true;
  const window =
    obtainedAt !== undefined && expiresAt > obtainedAt
      ? Math.min(skewMs, (expiresAt - obtainedAt) / 2)
      : skewMs;
  return remaining <= window;
}

/** The gateway's own client was refused (RFC 6749 §5.2; GitHub's name too): configuration, not the user's grant. */
const CLIENT_AUTHENTICATION_ERRORS = new Set(['invalid_client', 'incorrect_client_credentials']);

/**
 * Whether the IdP said the refresh token itself is dead (`invalid_grant` and the
 * other proper OAuth errors of RFC 6749 §5.2). A malformed or unexpected answer (an HTML page,
 * a proxy's 404), an answer that failed validation, or the gateway's client being refused is
 * no such statement: deleting on those would log out every session that refreshed during an
 * IdP or configuration incident, so they are transient and the tokens are kept.
 */
function refreshTokenIsDead(error: unknown): error is UpstreamError {
  return (
    error instanceof UpstreamError &&
    error.permanent &&
    error.code === 'ERR_UPSTREAM_OAUTH_ERROR' &&
    !CLIENT_AUTHENTICATION_ERRORS.has(error.oauthError ?? '')
  );
}

function merge(previous: UpstreamTokens, set: UpstreamTokenSet, obtainedAt: number): UpstreamTokens {
  const next: UpstreamTokens = {
    accessToken: set.accessToken,
    tokenType: set.tokenType,
    obtainedAt,
    userId: previous.userId,
    upstreamSubject: previous.upstreamSubject,
    clientId: previous.clientId,
  };
  // RFC 6749 §6: the upstream may omit a new refresh token; the old one then stays valid.
  const refreshToken = set.refreshToken ?? previous.refreshToken;
  if (refreshToken !== undefined) next.refreshToken = refreshToken;
  const idToken = set.idToken ?? previous.idToken;
  if (idToken !== undefined) next.idToken = idToken;
  if (set.expiresAt !== undefined) next.expiresAt = set.expiresAt;
  const scope = set.scope ?? previous.scope;
  if (scope !== undefined) next.scope = scope;
  if (previous.sessionExpiresAt !== undefined) next.sessionExpiresAt = previous.sessionExpiresAt;
  return next;
}

/**
 * Refresh on read (docs/architecture.md#refresh-on-read): one refresh per `(session, provider)` in this process
 * (a map of in-flight refreshes) and across processes (a short storage lock, renewed while the
 * refresh runs, so a process that dies holding it blocks the token for at most one lock lifetime).
 * A process that does not get the lock polls the store until the holder's result appears, for at
 * most `waitTimeoutMs`. A request waits for a refresh at most the provider's `timeoutMs`; the
 * refresh itself goes on (its client bounds it by `refreshTimeoutMs`) and its answer is stored when
 * it comes, if the lock is still this process's: the IdP may have rotated the refresh token.
 * Storage failures reject (the caller answers 503); upstream failures are outcomes.
 */
export class RefreshCoordinator {
  readonly #options: RefreshCoordinatorOptions;
  readonly #inflight = new Map<string, Promise<RefreshOutcome>>();

  constructor(options: RefreshCoordinatorOptions) {
    this.#options = options;
  }

  /**
   * Refreshes `seen` (the entry as this request read it) unless someone already did. Resolves
   * within the provider's `timeoutMs` (then `unavailable` with `seen`), even when the refresh goes on.
   */
  refresh(sessionId: string, provider: string, seen: UpstreamTokens): Promise<RefreshOutcome> {
    const key = JSON.stringify([sessionId, provider]);
    let pending = this.#inflight.get(key);
    if (pending === undefined) {
      pending = this.#run(sessionId, provider, seen).finally(() => this.#inflight.delete(key));
      this.#inflight.set(key, pending);
    }
    const waitMs = this.#options.clients[provider]?.timeoutMs ?? DEFAULT_ANSWER_TIMEOUT_MS;
    return answerWithin(pending, waitMs, {
      status: 'unavailable',
      reason: `the upstream refresh did not answer within ${waitMs} ms; it goes on`,
      tokens: seen,
    });
  }

  /** Someone else refreshed (the token changed) or the stored token no longer needs it. */
  #settled(stored: UpstreamTokens, seen: UpstreamTokens): boolean {
    return (
      stored.accessToken !== seen.accessToken ||
      !needsRefresh(stored, this.#options.now(), this.#options.skewMs)
    );
  }

  async #run(sessionId: string, provider: string, seen: UpstreamTokens): Promise<RefreshOutcome> {
    const { storage, now, lockTtlMs, waitTimeoutMs } = this.#options;
    const lockName = `refresh:${sessionId}:${provider}`;
    const deadline = now() + waitTimeoutMs;
    let delay = FIRST_POLL_MS;
    let latest = seen;
    for (;;) {
      const owner = await storage.tryAcquireLock(lockName, lockTtlMs);
      if (owner !== undefined) {
        const lock = this.#keepLock(lockName, owner, provider);
        try {
          return await this.#refreshHoldingLock(sessionId, provider, seen, lock);
        } finally {
          lock.stop();
          await storage.releaseLock(lockName, owner).catch((error: unknown) => {
            this.#options.logger.warn(
              { provider, err: error instanceof Error ? error.name : 'unknown' },
              'could not release the refresh lock; it expires on its own',
            );
          });
        }
      }
      const remaining = deadline - now();
      if (remaining <= 0) {
        return {
          status: 'unavailable',
          reason: 'a refresh by another gateway instance did not finish in time',
          tokens: latest,
        };
      }
      await sleep(Math.min(delay, remaining));
      delay = Math.min(delay * 2, MAX_POLL_MS);
      const stored = await storage.getUpstreamTokens(sessionId, provider);
      if (stored === undefined) return { status: 'revoked', reason: 'the tokens were deleted meanwhile' };
      if (this.#settled(stored, seen)) return { status: 'ok', tokens: stored };
      latest = stored;
    }
  }

  /**
   * Renews the lock every third of its lifetime until `stop()`; `stillOurs()` extends it once more
   * and tells whether this process still holds it (compare-and-extend).
   */
  #keepLock(name: string, owner: string, provider: string): HeldLock {
    const { storage, lockTtlMs, logger } = this.#options;
    const renew = () => storage.extendLock(name, owner, lockTtlMs);
    const timer = setInterval(
      () => {
        renew().then(
          (held) => {
            if (!held) logger.warn({ provider }, 'the refresh lock expired while the refresh ran');
          },
          () => {}, // storage down: the next renewal or the final check tells
        );
      },
      Math.max(1, Math.floor(lockTtlMs / 3)),
    );
    timer.unref();
    return { stop: () => clearInterval(timer), stillOurs: renew };
  }

  async #refreshHoldingLock(
    sessionId: string,
    provider: string,
    seen: UpstreamTokens,
    lock: HeldLock,
  ): Promise<RefreshOutcome> {
    const { storage, logger, events } = this.#options;
    // Re-read under the lock: another instance may have refreshed (and rotated the refresh token) already.
    const stored = await storage.getUpstreamTokens(sessionId, provider);
    if (stored === undefined) return { status: 'revoked', reason: 'the tokens were deleted meanwhile' };
    if (this.#settled(stored, seen)) return { status: 'ok', tokens: stored };
    const client = this.#options.clients[provider];
    if (client === undefined || stored.refreshToken === undefined) {
      return { status: 'expired', reason: 'no refresh token', tokens: stored };
    }

    let set: UpstreamTokenSet;
    const requestedAt = this.#options.now();
    try {
      set = await client.refresh(stored.refreshToken);
    } catch (error) {
      const code = error instanceof UpstreamError ? error.code : 'unknown';
      const oauthError = error instanceof UpstreamError ? error.oauthError : undefined;
      if (refreshTokenIsDead(error)) {
        events.refresh(provider, 'rejected');
        // A dead refresh token (invalid_grant, …) ends this provider's tokens.
        await storage.deleteUpstreamTokensForProvider(sessionId, provider);
        logger.warn(
          { provider, sessionId, code, oauthError },
          'upstream refused the refresh token; tokens deleted',
        );
        return {
          status: 'revoked',
          reason: `the upstream refused the refresh token (${oauthError ?? code})`,
        };
      }
      events.refresh(provider, 'failed');
      logger.warn(
        {
          provider,
          sessionId,
          code,
          oauthError,
          status: error instanceof UpstreamError ? error.status : undefined,
        },
        'upstream refresh failed; tokens kept',
      );
      return {
        status: 'unavailable',
        reason: `the upstream refresh failed (${oauthError ?? code})`,
        tokens: stored,
      };
    }
    events.refresh(provider, 'refreshed');
    const next = merge(stored, set, requestedAt);
    // The answer may come late (after the waiting requests gave up): it is stored only while this
    // process still holds the lock, else another one may be refreshing with the old refresh token.
    if (!(await lock.stillOurs())) {
      logger.warn(
        { provider, sessionId },
        'the refresh lock was lost before the answer came; result dropped',
      );
      return { status: 'unavailable', reason: 'the refresh lock was lost', tokens: stored };
    }
    // Only while the entry still exists: a revocation during the refresh wins (no resurrection).
    if (!(await storage.replaceUpstreamTokens(sessionId, provider, next))) {
      logger.warn({ provider, sessionId }, 'upstream tokens deleted during the refresh; result dropped');
      return { status: 'revoked', reason: 'the tokens were deleted meanwhile' };
    }
    logger.info({ provider, sessionId, expiresAt: next.expiresAt }, 'upstream token refreshed');
    return { status: 'ok', tokens: next };
  }
}

/** The lock a refresh holds while it runs. */
interface HeldLock {
  stop(): void;
  stillOurs(): Promise<boolean>;
}

/** `pending`'s outcome, or `fallback` once `ms` have passed (`pending` goes on). */
function answerWithin(
  pending: Promise<RefreshOutcome>,
  ms: number,
  fallback: RefreshOutcome,
): Promise<RefreshOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<RefreshOutcome>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
    timer.unref();
  });
  return Promise.race([pending, late]).finally(() => clearTimeout(timer));
}
