import type { OAuthError } from './oauth-error.js';

/** How one upstream leg ended: its tokens stored, the chain failed on it, or an optional one skipped. */
export type LegOutcome = 'completed' | 'failed' | 'skipped';

/**
 * An optional observer of the authorization server, for metrics or tracing (the reference server
 * turns these into Prometheus metrics). Every method is optional and called synchronously; a
 * throw is logged and ignored. Arguments are bounded values only: provider names, OAuth error
 * codes, limit names; never a user, a client id or a token.
 */
export interface ChainEvents {
  /** A login chain started (after consent, or without it for a trusted or remembered client). */
  loginStarted?(): void;
  /** The chain issued its authorization code (RFC 6749 §4.1.2). */
  loginCompleted?(): void;
  /** The chain ended with an error sent to the client: `reason` is its OAuth `error` code (RFC 6749 §4.1.2.1). */
  loginFailed?(reason: OAuthError['error']): void;
  /**
   * One upstream leg ended. `durationMs`: from sending the browser to the IdP until its callback
   * was handled (or, when the IdP could not be reached, the time spent trying).
   */
  legCompleted?(provider: string, outcome: LegOutcome, durationMs: number): void;
  /** A request was refused by the rate limit named `limit` (429). */
  rateLimited?(limit: string): void;
}
