import type { OAuthError } from '../oauth-error.js';

/** The client's redirect URI with response parameters added (RFC 6749 §4.1.2, RFC 9207 `iss`). */
export function clientRedirectUrl(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) url.searchParams.append(name, value);
  }
  return url.href;
}

/** An authorization error response (RFC 6749 §4.1.2.1) with `state` and `iss` (RFC 9207). */
export function errorRedirectUrl(
  redirectUri: string,
  error: OAuthError,
  state: string | undefined,
  issuer: string,
): string {
  return clientRedirectUrl(redirectUri, {
    error: error.error,
    error_description: error.errorDescription,
    state,
    iss: issuer,
  });
}
