/**
 * Rules for the human-readable client metadata of a registration (RFC 7591 §2), which the
 * consent page shows: no character that hides or reorders what the user reads.
 */

/**
 * C0 and C1 controls and DEL (`\p{Cc}`), and the bidirectional controls (Unicode UAX #9): embeddings and
 * overrides U+202A–U+202E, isolates U+2066–U+2069, the marks U+200E, U+200F and U+061C. A
 * right-to-left override in a client name can show a redirect host reversed.
 */
const CONTROL = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/** The metadata fields holding URLs a consent page may link: RFC 7591 §2 asks for web pages. */
export const URL_METADATA = ['client_uri', 'logo_uri', 'policy_uri', 'tos_uri'] as const;

/** Why `value` may not be shown as client text, or `undefined` when it may. */
export function displayTextProblem(field: string, value: string): string | undefined {
  return CONTROL.test(value)
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
