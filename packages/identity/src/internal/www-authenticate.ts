import type { IdentityError } from '../errors.js';

/** RFC 6750 §3: error_description uses %x20-21 / %x23-5B / %x5D-7E only. */
function quoted(value: string): string {
  return `"${value.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, '')}"`;
}

/**
 * The `WWW-Authenticate` challenge for a rejection (RFC 6750 §3, RFC 9728 §5.1).
 * Without an error code (no token sent), only `resource_metadata` is given.
 */
export function bearerChallenge(reason: IdentityError, resourceMetadataUrl: string | undefined): string {
  const params: string[] = [];
  if (reason.error !== undefined) {
    params.push(`error=${quoted(reason.error)}`, `error_description=${quoted(reason.message)}`);
  }
  if (resourceMetadataUrl !== undefined) params.push(`resource_metadata=${quoted(resourceMetadataUrl)}`);
  return params.length === 0 ? 'Bearer' : `Bearer ${params.join(', ')}`;
}
