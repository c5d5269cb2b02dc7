import type { ClientAuthorizationRequest } from '@auth/storage';
import { OAuthError } from '../oauth-error.js';

/**
 * How far an upstream's `auth_time` may lie before what this server's clock says and still
 * count: `auth_time` has whole seconds, and the IdP's clock is not this one.
 */
export const AUTH_TIME_LEEWAY_MS = 10_000;

const MAX_AGE = /^\d{1,10}$/;

/** OIDC Core §3.1.2.1 `max_age`: a non-negative integer number of seconds; throws `invalid_request`. */
export function parseMaxAge(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!MAX_AGE.test(value))
    throw new OAuthError('invalid_request', 'max_age must be a non-negative integer (seconds)');
  return Number(value);
}

/**
 * What the chain keeps of `prompt` and `max_age` for its legs: `prompt=login` (also implied by
 * `max_age=0`, OIDC Core §3.1.2.1) makes every leg sign the user in again; `max_age` goes to
 * every leg and bounds every upstream's authentication time.
 */
export function reauthenticationRequest(
  prompt: readonly string[],
  maxAge: number | undefined,
): Pick<ClientAuthorizationRequest, 'prompt' | 'maxAge'> {
  return {
    ...(prompt.includes('login') || maxAge === 0 ? { prompt: 'login' as const } : {}),
    ...(maxAge === undefined ? {} : { maxAge }),
  };
}

/** One completed leg, as the authentication-time rule sees it. */
export interface CompletedLeg {
  provider: string;
  /** An `oauth2` upstream reports no authentication time. */
  type: 'oidc' | 'oauth2';
  /** The verified ID token's `auth_time` (epoch ms), when it had one. */
  authTime: number | undefined;
  /** When the chain sent the browser to this leg (the pending leg's creation). */
  startedAt: number;
  /** Now: the leg's callback. */
  completedAt: number;
}

function loginRequired(detail: string): OAuthError {
  return new OAuthError('login_required', 'an identity provider did not confirm a new sign-in', { detail });
}

/**
 * When the user authenticated at this leg's upstream (epoch ms), checked against the client's
 * `prompt=login` and `max_age` (OIDC Core §3.1.2.1); throws `OAuthError('login_required')`
 * when the upstream did not honour them: no `auth_time`, or one from before the leg (after
 * `prompt=login`) or older than `max_age`.
 *
 * An OIDC leg's time is its ID token's `auth_time` (never later than now); without one, and
 * when the client asked for neither, the leg's completion. An OAuth 2.0 leg reports no
 * authentication time, so it counts at its completion: it was sent its configured prompt, but
 * whether it honoured it cannot be told (docs/architecture.md#re-authentication).
 */
export function legAuthenticationTime(request: ClientAuthorizationRequest, leg: CompletedLeg): number {
  if (leg.type === 'oauth2') return leg.completedAt;
  const asked = request.prompt === 'login' || request.maxAge !== undefined;
  if (leg.authTime === undefined) {
    if (asked) throw loginRequired(`upstream "${leg.provider}" sent no auth_time`);
    return leg.completedAt;
  }
  if (request.prompt === 'login' && leg.authTime < leg.startedAt - AUTH_TIME_LEEWAY_MS)
    throw loginRequired(`upstream "${leg.provider}" did not sign the user in again (prompt=login)`);
  if (
    request.maxAge !== undefined &&
    leg.authTime < leg.completedAt - request.maxAge * 1000 - AUTH_TIME_LEEWAY_MS
  )
    throw loginRequired(`upstream "${leg.provider}" authenticated the user longer than max_age ago`);
  return Math.min(leg.authTime, leg.completedAt);
}
