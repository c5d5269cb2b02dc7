import type { Logger } from '@auth/protocol';

/**
 * `replace`: `Authorization: Bearer <upstream token>`;
 * `custom`: the token in `customHeaderName`, and `Authorization` removed.
 */
export type HeaderStrategy = 'replace' | 'custom';

/** Options of `createUpstreamSwap`. */
export interface UpstreamSwapOptions {
  /** The upstream provider whose token this route's backend needs (`corp`, `github`, `default`). */
  providerName: string;
  headerStrategy: HeaderStrategy;
  /** Required with `custom` (e.g. `X-Upstream-Token`); not `Authorization`, not a hop-by-hop header. */
  customHeaderName?: string;
  /** RFC 9728 metadata URL, added as `resource_metadata` to 401 challenges. */
  resourceMetadataUrl?: string | URL;
  /** RFC 6750 §3 `scope` of the 401 challenges: the scopes a client should request again (default none). */
  challengeScope?: readonly string[];
  /** `Retry-After` of the 503 answered when the provider is temporarily unavailable (default 5). */
  retryAfterSeconds?: number;
  logger?: Logger;
}
