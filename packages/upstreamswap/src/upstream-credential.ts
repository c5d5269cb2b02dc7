import type { Identity } from '@auth/identity';
import type { HeaderStrategy } from './upstream-swap-options.js';

// A header value must be visible ASCII (RFC 9110 §5.5); anything else could split the request.
const SAFE_VALUE = /^[\x21-\x7e]+$/;

/** Which provider's token a backend receives, and in which header. */
export interface UpstreamHeaderRule {
  providerName: string;
  headerStrategy: HeaderStrategy;
  /** Lower-case header name, with `custom`. */
  headerName?: string | undefined;
}

/**
 * The header a backend receives, or why there is none:
 * `reauthenticate` (missing, expired, revoked or unusable token: a new login fixes it) or
 * `unavailable` (the provider failed transiently: retry later).
 */
export type UpstreamCredential =
  | { ok: true; header: string; value: string; remove: readonly string[] }
  | { ok: false; reason: 'reauthenticate' | 'unavailable'; status: string; detail?: string | undefined };

/**
 * The upstream credential of `rule.providerName` in `identity` (docs/architecture.md#upstream-swap): with
 * `replace`, `Authorization: Bearer <token>`; with `custom`, the token in its own header and
 * `Authorization` removed, so the gateway's JWT never reaches the backend. Never reads storage.
 */
export function upstreamCredential(identity: Identity, rule: UpstreamHeaderRule): UpstreamCredential {
  const { providerName } = rule;
  // Own entries only: a provider may be named like an Object.prototype member (`constructor`).
  const token = Object.hasOwn(identity.upstreamTokens, providerName)
    ? identity.upstreamTokens[providerName]
    : undefined;
  const state = Object.hasOwn(identity.upstreams, providerName)
    ? identity.upstreams[providerName]
    : undefined;
  if (token === undefined) {
    return {
      ok: false,
      reason: state?.status === 'unavailable' ? 'unavailable' : 'reauthenticate',
      status: state?.status ?? 'missing',
      detail: state?.reason,
    };
  }
  if (!SAFE_VALUE.test(token)) return { ok: false, reason: 'reauthenticate', status: 'invalid' };
  if (rule.headerStrategy === 'replace') {
    return { ok: true, header: 'authorization', value: `Bearer ${token}`, remove: [] };
  }
  return { ok: true, header: rule.headerName!, value: token, remove: ['authorization'] };
}
