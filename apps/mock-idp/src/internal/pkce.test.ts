import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidChallenge, verifyPkce } from './pkce.js';

const unreserved = fc.constantFrom(
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~'.split(''),
);
const verifier = fc.string({ unit: unreserved, minLength: 43, maxLength: 128 });
const s256 = (v: string) => createHash('sha256').update(v).digest('base64url');

describe('PKCE S256 (RFC 7636)', () => {
  it('accepts the verifier of a challenge and no other', () => {
    fc.assert(
      fc.property(verifier, verifier, (v, other) => {
        expect(isValidChallenge(s256(v))).toBe(true);
        expect(verifyPkce(v, s256(v))).toBe(true);
        expect(verifyPkce(other, s256(v))).toBe(other === v);
      }),
    );
  });

  it('matches the RFC 7636 appendix B example', () => {
    expect(
      verifyPkce(
        'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
        'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      ),
    ).toBe(true);
  });

  it('rejects verifiers outside 43–128 unreserved characters, even when the hash would match', () => {
    for (const bad of ['a'.repeat(42), 'a'.repeat(129), `${'a'.repeat(42)} `, `${'a'.repeat(42)}+`]) {
      expect(verifyPkce(bad, s256(bad))).toBe(false);
    }
  });
});
