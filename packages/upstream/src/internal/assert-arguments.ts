import type { UpstreamLegParameters } from '../upstream-client.js';
import { UpstreamOptionsError } from '../upstream-options-error.js';

/** RFC 7636 §4.1: 43–128 unreserved characters. */
const CODE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/** Rejects a leg the chain could not have generated correctly (names the field, never its value). */
export function assertLeg(leg: UpstreamLegParameters): void {
  const bad = (field: string, why: string) =>
    new UpstreamOptionsError('ERR_UPSTREAM_INVALID_ARGUMENT', `leg.${field} ${why}`);
  if (typeof leg !== 'object' || leg === null) {
    throw new UpstreamOptionsError('ERR_UPSTREAM_INVALID_ARGUMENT', 'leg must be an object');
  }
  if (typeof leg.redirectUri !== 'string' || !URL.canParse(leg.redirectUri)) {
    throw bad('redirectUri', 'must be an absolute URL');
  }
  if (typeof leg.state !== 'string' || leg.state.length === 0)
    throw bad('state', 'must be a non-empty string');
  if (typeof leg.nonce !== 'string' || leg.nonce.length === 0)
    throw bad('nonce', 'must be a non-empty string');
  if (typeof leg.codeVerifier !== 'string' || !CODE_VERIFIER.test(leg.codeVerifier)) {
    throw bad('codeVerifier', 'must be 43-128 unreserved characters (RFC 7636 §4.1)');
  }
  if (leg.prompt !== undefined && leg.prompt !== 'login') throw bad('prompt', 'must be "login" when given');
  if (leg.maxAge !== undefined && !(Number.isSafeInteger(leg.maxAge) && leg.maxAge >= 0)) {
    throw bad('maxAge', 'must be a non-negative integer (seconds) when given');
  }
}

/** Rejects an empty or non-string refresh token before any network call. */
export function assertRefreshToken(refreshToken: string): void {
  if (typeof refreshToken !== 'string' || refreshToken.length === 0) {
    throw new UpstreamOptionsError(
      'ERR_UPSTREAM_INVALID_ARGUMENT',
      'refreshToken must be a non-empty string',
    );
  }
}

/** Rejects a callback URL that is not a `URL`. */
export function assertCallbackUrl(callbackUrl: URL): void {
  if (!(callbackUrl instanceof URL)) {
    throw new UpstreamOptionsError('ERR_UPSTREAM_INVALID_ARGUMENT', 'callbackUrl must be a URL');
  }
}
