import { UpstreamError } from '../upstream-error.js';
import type { BoundedFetch } from './bounded-fetch.js';
import { applyClientAuthentication } from './client-authentication.js';
import { oauthErrorValue } from './oauth-error-value.js';
import { parseResponseBody } from './response-body.js';

export interface TokenEndpointTarget {
  provider: string;
  fetch: BoundedFetch;
  tokenEndpoint: string;
  clientId: string;
  clientSecret: string | undefined;
}

/**
 * One token-endpoint request (RFC 6749 §4.1.3, §6): a form `POST` asking for JSON.
 * Resolves with the parsed success body. An `error` member is an OAuth error whatever
 * the status, since GitHub answers errors with HTTP 200 (§5.2 says 400); a non-200
 * answer without one is an unexpected status.
 */
export async function tokenEndpointRequest(
  target: TokenEndpointTarget,
  parameters: Record<string, string>,
): Promise<Record<string, unknown>> {
  const { provider } = target;
  const headers = new Headers({
    accept: 'application/json',
    'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
  });
  const body = new URLSearchParams(parameters);
  applyClientAuthentication(target.clientId, target.clientSecret, headers, body);

  const response = await target.fetch(target.tokenEndpoint, { method: 'POST', headers, body });
  const parsed = parseResponseBody(await response.text(), response.headers.get('content-type'));

  if (parsed !== undefined && parsed['error'] !== undefined) {
    const oauthError = oauthErrorValue(parsed['error']);
    if (oauthError === undefined) {
      throw new UpstreamError(
        provider,
        'ERR_UPSTREAM_MALFORMED_RESPONSE',
        `upstream "${provider}" token endpoint answered a malformed error`,
        { status: response.status },
      );
    }
    throw new UpstreamError(
      provider,
      'ERR_UPSTREAM_OAUTH_ERROR',
      `upstream "${provider}" token endpoint answered OAuth error "${oauthError}" (HTTP ${response.status})`,
      { oauthError, status: response.status },
    );
  }
  if (response.status !== 200) {
    throw new UpstreamError(
      provider,
      'ERR_UPSTREAM_UNEXPECTED_STATUS',
      `upstream "${provider}" token endpoint answered HTTP ${response.status}`,
      { status: response.status },
    );
  }
  if (parsed === undefined) {
    throw new UpstreamError(
      provider,
      'ERR_UPSTREAM_MALFORMED_RESPONSE',
      `upstream "${provider}" token endpoint answered a body that is neither JSON nor a form`,
      { status: response.status },
    );
  }
  return parsed;
}
