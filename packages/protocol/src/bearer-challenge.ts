import type { OAuthErrorCode } from './oauth-error-code.js';

/** The parameters of a `WWW-Authenticate: Bearer` challenge; all optional. */
export interface BearerChallengeParams {
  /** RFC 6750 §3: the protection space. */
  realm?: string;
  /** RFC 6750 §3.1 (`invalid_request`, `invalid_token`, `insufficient_scope`), or another registered code. */
  error?: OAuthErrorCode;
  /** RFC 6750 §3: human-readable, public (never a token value). */
  errorDescription?: string;
  /** RFC 6750 §3: space-delimited scopes the resource needs. */
  scope?: string;
  /** RFC 9728 §5.1: the URL of the protected resource's metadata document. */
  resourceMetadata?: string;
}

// RFC 6750 §3: `error` and `error_description` use %x20-21 / %x23-5B / %x5D-7E only; `scope`
// the same without space inside a token. Neither `"` nor `\` can appear, so other characters are dropped.
const NOT_RFC6750_TEXT = /[^\x20-\x21\x23-\x5b\x5d-\x7e]/g;
// RFC 9110 §5.6.4: qdtext and quoted-pair take HTAB, SP and VCHAR; control characters (CR, LF) never.
const NOT_QUOTABLE = /[^\t\x20-\x7e]/g;

/** An RFC 6750 attribute value: only the characters the RFC allows, quoted. */
function rfc6750Value(value: string): string {
  return `"${value.replace(NOT_RFC6750_TEXT, '')}"`;
}

/** Any other auth-param value as an RFC 9110 §5.6.4 quoted-string: `"` and `\` escaped, controls dropped. */
function quotedString(value: string): string {
  return `"${value.replace(NOT_QUOTABLE, '').replace(/["\\]/g, '\\$&')}"`;
}

/**
 * The value of a `WWW-Authenticate` header with a Bearer challenge (RFC 6750 §3, RFC 9728 §5.1):
 * `Bearer` alone when no parameter is given. A request that carried no credentials gets no `error`
 * (RFC 6750 §3.1). Values can never end the quoted string early or split the header.
 */
export function bearerChallenge(params: BearerChallengeParams = {}): string {
  const parts: string[] = [];
  if (params.realm !== undefined) parts.push(`realm=${quotedString(params.realm)}`);
  if (params.error !== undefined) parts.push(`error=${rfc6750Value(params.error)}`);
  if (params.errorDescription !== undefined)
    parts.push(`error_description=${rfc6750Value(params.errorDescription)}`);
  if (params.scope !== undefined) parts.push(`scope=${rfc6750Value(params.scope)}`);
  if (params.resourceMetadata !== undefined)
    parts.push(`resource_metadata=${quotedString(params.resourceMetadata)}`);
  return parts.length === 0 ? 'Bearer' : `Bearer ${parts.join(', ')}`;
}
