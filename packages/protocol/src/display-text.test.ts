import { describe, expect, it } from 'vitest';
import { hasHiddenFormatting } from './display-text.js';

describe('hasHiddenFormatting (controls and UAX #9 bidirectional formatting)', () => {
  it.each(['Corp SSO', 'GitHub — step 2', 'שלום', '日本語'])('accepts %s', (value) => {
    expect(hasHiddenFormatting(value)).toBe(false);
  });
  it.each(['a\nb', 'a\u0000b', 'a\u007fb', 'a\u0085b', 'a\u202eb', 'a\u2066b', 'a\u200fb', 'a\u061cb'])(
    'refuses %j',
    (value) => {
      expect(hasHiddenFormatting(value)).toBe(true);
    },
  );
});
