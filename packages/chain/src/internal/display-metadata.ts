/**
 * Rules for the human-readable client metadata of a registration (RFC 7591 §2), which the
 * consent page shows: no character that hides or reorders what the user reads.
 */

import { hasHiddenFormatting } from '@auth/protocol';

/** The metadata fields holding URLs a consent page may link: RFC 7591 §2 asks for web pages. */
export const URL_METADATA = ['client_uri', 'logo_uri', 'policy_uri', 'tos_uri'] as const;

/** Why `value` may not be shown as client text, or `undefined` when it may. */
export function displayTextProblem(field: string, value: string): string | undefined {
  return hasHiddenFormatting(value)
    ? `${field} must not contain control or bidirectional formatting characters`
    : undefined;
}

/** Why `value` is not an acceptable URL for `field` (absolute `https` only), or `undefined`. */
export function metadataUrlProblem(field: string, value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${field} must be an absolute https URL`;
  }
  if (url.protocol !== 'https:') return `${field} must be an https URL`;
  if (url.username !== '' || url.password !== '') return `${field} must not contain credentials`;
  return undefined;
}
