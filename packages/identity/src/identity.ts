import type { AccessTokenClaims } from '@auth/protocol';

/**
 * What is known about one provider's upstream token for this request:
 * - `ok`: the access token is in `Identity.upstreamTokens`;
 * - `expired`: expired and not refreshed for this request (no refresh token, not asked for, or no client);
 * - `unavailable`: refreshing failed for a transient reason (network, 5xx); the tokens are kept;
 * - `revoked`: the upstream refused the refresh token (`invalid_grant`); the tokens were deleted.
 */
export type UpstreamTokenStatus = 'ok' | 'expired' | 'unavailable' | 'revoked';

/** Status of one provider's upstream token. Never holds a token value. */
export interface UpstreamState {
  status: UpstreamTokenStatus;
  /** Access-token expiry (epoch ms), when known. */
  expiresAt?: number;
  /** Why the token is not usable; safe to log, never sent to a client. */
  reason?: string;
}

/** The authenticated caller, attached to `req.identity`. */
export interface Identity {
  /** `sub`: the gateway's internal user id. */
  subject: string;
  clientId: string;
  scopes: readonly string[];
  claims: Readonly<AccessTokenClaims>;
  /** The raw bearer token. Never log it. */
  token: string;
  /** `tsid`: the gateway session. */
  sessionId: string;
  /** Provider name → upstream access token, for providers whose status is `ok` (the RFC's name). */
  upstreamTokens: Record<string, string>;
  /** Provider name → status, for every provider the session holds (or held until this request). */
  upstreams: Record<string, UpstreamState>;
}
