/**
 * The abuse limits the authorization server applies (docs/architecture.md#abuse-limits):
 * - `authorize`: `GET /oauth/authorize` requests per client address;
 * - `register`: `POST /oauth/register` requests per client address;
 * - `client_auth_address`: failed client authentications per client address (token, revocation, introspection);
 * - `client_auth_client`: failed client authentications per `client_id` of a known client.
 */
export type LimitName = 'authorize' | 'register' | 'client_auth_address' | 'client_auth_client';

/** A limiter's answer: within the limit, or refused until `retryAfterSeconds` from now. */
export type LimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Counters of the abuse limits, shared by the replicas (the reference server builds one with
 * rate-limiter-flexible on the configured storage). A limit the limiter does not know is not limited.
 */
export interface RequestLimiter {
  /** Counts one event of `limit` for `key`; refused when that event is over the limit. */
  consume(limit: LimitName, key: string): Promise<LimitDecision>;
  /** Whether one more event of `limit` for `key` would be within it, without counting (failure throttles). */
  check(limit: LimitName, key: string): Promise<LimitDecision>;
}
