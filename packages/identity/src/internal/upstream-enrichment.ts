import type { UpstreamTokens } from '@auth/storage';
import type { Identity, UpstreamState } from '../identity.js';
import { needsRefresh, type RefreshCoordinator } from './refresh-coordinator.js';

/** The upstream part of an `Identity`. */
export type UpstreamPart = Pick<Identity, 'upstreamTokens' | 'upstreams'>;

export interface UpstreamEnrichmentOptions {
  /** The one storage read per request: the session's upstream tokens (all, or the configured providers'). */
  read: (sessionId: string) => Promise<Record<string, Readonly<UpstreamTokens>>>;
  refresher: Pick<RefreshCoordinator, 'refresh'>;
  /** Providers an upstream client exists for (only those can be refreshed). */
  canRefresh: (provider: string) => boolean;
  skewMs: number;
  now: () => number;
}

/** Loads a session's upstream tokens for one request, refreshing the expired ones the request needs. */
export type UpstreamEnrichment = (
  sessionId: string,
  refreshProviders: readonly string[],
) => Promise<UpstreamPart>;

function stateOf(
  status: UpstreamState['status'],
  tokens: UpstreamTokens | undefined,
  reason?: string,
): UpstreamState {
  const state: UpstreamState = { status };
  if (tokens?.expiresAt !== undefined) state.expiresAt = tokens.expiresAt;
  if (reason !== undefined) state.reason = reason;
  return state;
}

/**
 * Upstream-token enrichment (refresh on read). Exactly one bulk storage read per request,
 * whatever the number of providers; a provider whose token needs no refresh costs no await.
 */
export function createUpstreamEnrichment(options: UpstreamEnrichmentOptions): UpstreamEnrichment {
  const { read, refresher, canRefresh, skewMs, now } = options;

  /** A token that expired (or is about to) and is refreshed for this request. */
  async function refreshed(
    sessionId: string,
    provider: string,
    tokens: UpstreamTokens,
  ): Promise<[UpstreamState, string | undefined]> {
    const outcome = await refresher.refresh(sessionId, provider, tokens);
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

  return async (sessionId, refreshProviders) => {
    const all = await read(sessionId);
    const upstreamTokens: Record<string, string> = {};
    const upstreams: Record<string, UpstreamState> = {};
    let pending: Array<Promise<void>> | undefined;
    const at = now();
    for (const provider in all) {
      const tokens = all[provider]!;
      if (!needsRefresh(tokens, at, skewMs)) {
        upstreams[provider] = stateOf('ok', tokens);
        upstreamTokens[provider] = tokens.accessToken;
        continue;
      }
      const expired = tokens.expiresAt !== undefined && tokens.expiresAt <= at;
      const refresh = refreshProviders.includes(provider);
      if (!refresh || tokens.refreshToken === undefined || !canRefresh(provider)) {
        if (expired) {
          const why = !refresh
            ? 'not refreshed for this route'
            : tokens.refreshToken === undefined
              ? 'no refresh token'
              : 'no upstream client to refresh with';
          upstreams[provider] = stateOf('expired', tokens, why);
        } else {
          upstreams[provider] = stateOf('ok', tokens);
          upstreamTokens[provider] = tokens.accessToken;
        }
        continue;
      }
      pending ??= [];
      pending.push(
        refreshed(sessionId, provider, tokens).then(([state, accessToken]) => {
          upstreams[provider] = state;
          if (accessToken !== undefined) upstreamTokens[provider] = accessToken;
        }),
      );
    }
    if (pending !== undefined) await Promise.all(pending);
    return { upstreamTokens, upstreams };
  };
}
