import type { AuthRejection } from '../auth-result.js';
import type { IdentityError } from '../errors.js';
import { bearerChallenge } from './www-authenticate.js';

/** The HTTP answer for `reason`: a Bearer challenge for 400/401 (RFC 6750 §3), `Retry-After` for 503. */
export function rejection(reason: IdentityError, resourceMetadataUrl: string, scope?: string): AuthRejection {
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  if (reason.status === 503) {
    headers['retry-after'] = '5';
  } else {
    headers['www-authenticate'] = bearerChallenge(reason, resourceMetadataUrl, scope);
  }
  return {
    status: reason.status,
    headers,
    body: { error: reason.error ?? 'unauthorized', error_description: reason.message },
    reason,
  };
}
