import { timingSafeEqual } from 'node:crypto';
import { UpstreamError } from '../upstream-error.js';
import { oauthErrorValue } from './oauth-error-value.js';

/** What an authorization response must match. */
export interface AuthorizationResponseChecks {
  expectedState: string;
  /** RFC 9207: the IdP's issuer; `required` when it advertises `authorization_response_iss_parameter_supported`. */
  issuer?: { value: string; required: boolean };
}

/**
 * Validates an authorization response (RFC 6749 §4.1.2) and returns its `code`. Order:
 * every parameter at most once; `iss` (RFC 9207 §2.4, before anything else is trusted);
 * `state` (CSRF, RFC 6749 §10.12); then `error` (§4.1.2.1); then `code`.
 */
export function validateAuthorizationResponse(
  provider: string,
  callbackUrl: URL,
  checks: AuthorizationResponseChecks,
): string {
  const params = callbackUrl.searchParams;
  const invalid = (what: string) =>
    new UpstreamError(
      provider,
      'ERR_UPSTREAM_INVALID_RESPONSE',
      `upstream "${provider}" authorization response ${what}`,
    );

  for (const name of ['state', 'code', 'error', 'iss']) {
    if (params.getAll(name).length > 1) throw invalid(`repeats the "${name}" parameter`);
  }
  if (checks.issuer !== undefined) {
    const iss = params.get('iss');
    if (iss === null) {
      if (checks.issuer.required) throw invalid('has no iss (RFC 9207)');
    } else if (iss !== checks.issuer.value) {
      throw invalid('has an iss that is not this upstream (RFC 9207)');
    }
  }
  const state = params.get('state');
  if (state === null || state.length === 0) throw invalid('has no state');
  if (!sameString(state, checks.expectedState)) throw invalid('has a state that does not match this leg');

  const error = params.get('error');
  if (error !== null) {
    const oauthError = oauthErrorValue(error);
    if (oauthError === undefined) throw invalid('carries a malformed error');
    throw new UpstreamError(
      provider,
      'ERR_UPSTREAM_OAUTH_ERROR',
      `upstream "${provider}" authorization response carries OAuth error "${oauthError}"`,
      { oauthError },
    );
  }
  const code = params.get('code');
  if (code === null || code.length === 0) throw invalid('has no code');
  return code;
}

function sameString(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
