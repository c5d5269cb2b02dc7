/**
 * How a refresh of an upstream token ended at the IdP (RFC 6749 §6): a new token, the refresh token
 * refused (the provider's tokens are deleted), or a failure that kept the tokens (outage, timeout).
 */
export type RefreshResult = 'refreshed' | 'rejected' | 'failed';

/**
 * An optional observer of the identity middleware, for metrics (the reference server counts
 * refreshes by provider and result). Every method is optional and called synchronously; a throw
 * is logged and ignored. Arguments are bounded: provider names and literal results, never a
 * user, a session or a token.
 */
export interface IdentityEvents {
  /** This process asked `provider` to refresh a token (requests waiting on another process's refresh do not count). */
  refresh?(provider: string, result: RefreshResult): void;
}
