import { bearerChallenge as formatChallenge } from '@auth/protocol';
import type { IdentityError } from '../errors.js';

/**
 * The `WWW-Authenticate` challenge for a rejection (RFC 6750 §3, RFC 9728 §5.1).
 * Without an error code (no token sent), only `scope` and `resource_metadata` are given.
 */
export function bearerChallenge(
  reason: IdentityError,
  resourceMetadataUrl: string | undefined,
  scope?: string,
): string {
  return formatChallenge({
    ...(reason.error === undefined ? {} : { error: reason.error, errorDescription: reason.message }),
    ...(scope === undefined ? {} : { scope }),
    ...(resourceMetadataUrl === undefined ? {} : { resourceMetadata: resourceMetadataUrl }),
  });
}
