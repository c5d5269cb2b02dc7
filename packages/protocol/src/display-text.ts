/**
 * C0 and C1 controls and DEL (`\p{Cc}`), and the bidirectional controls (Unicode UAX #9): embeddings and
 * overrides U+202A–U+202E, isolates U+2066–U+2069, the marks U+200E, U+200F and U+061C. A
 * right-to-left override in a name can show a redirect host reversed.
 */
const CONTROL = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/**
 * Whether `value` holds a character that hides or reorders what a user reads (a control or a
 * bidirectional formatting character): text shown on a consent page (a client's name, an
 * upstream's display name) must not.
 */
export function hasHiddenFormatting(value: string): boolean {
  return CONTROL.test(value);
}
