import type { UpstreamIdentity } from '../upstream-client.js';
import type { OAuth2UpstreamClientOptions } from '../upstream-client-options.js';
import { UpstreamError } from '../upstream-error.js';
import type { BoundedFetch } from './bounded-fetch.js';
import { parseJsonObject } from './response-body.js';

/**
 * Fetches the user from a plain OAuth 2.0 userinfo endpoint (GitHub's `GET /user`,
 * RFC 6750 §2.1 bearer header) and reads the configured fields. The subject may be a
 * string or an integer (GitHub's numeric `id`) and becomes a string.
 */
export async function fetchUserinfoIdentity(
  provider: string,
  fetch: BoundedFetch,
  userinfo: OAuth2UpstreamClientOptions['userinfo'],
  accessToken: string,
): Promise<UpstreamIdentity> {
  const response = await fetch(userinfo.endpoint, {
    method: 'GET',
    headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
  });
  const text = await response.text();
  if (response.status !== 200) {
    throw new UpstreamError(
      provider,
      'ERR_UPSTREAM_UNEXPECTED_STATUS',
      `upstream "${provider}" userinfo endpoint answered HTTP ${response.status}`,
      { status: response.status },
    );
  }
  const body = parseJsonObject(text);
  if (body === undefined) {
    throw new UpstreamError(
      provider,
      'ERR_UPSTREAM_MALFORMED_RESPONSE',
      `upstream "${provider}" userinfo endpoint answered a body that is not a JSON object`,
      { status: response.status },
    );
  }
  const rawSubject = body[userinfo.subjectField];
  const subject =
    typeof rawSubject === 'string'
      ? rawSubject
      : typeof rawSubject === 'number' && Number.isSafeInteger(rawSubject)
        ? String(rawSubject)
        : '';
  if (subject.length === 0) {
    throw new UpstreamError(
      provider,
      'ERR_UPSTREAM_INVALID_RESPONSE',
      `upstream "${provider}" userinfo has no usable subject field "${userinfo.subjectField}"`,
      { status: response.status },
    );
  }
  const identity: UpstreamIdentity = { subject };
  const name = userinfo.nameField === undefined ? undefined : body[userinfo.nameField];
  if (typeof name === 'string' && name.length > 0) identity.name = name;
  const email = userinfo.emailField === undefined ? undefined : body[userinfo.emailField];
  if (typeof email === 'string' && email.length > 0) identity.email = email;
  return identity;
}
