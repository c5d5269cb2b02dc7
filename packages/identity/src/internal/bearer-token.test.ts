import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdentityError } from '../errors.js';
import { extractBearerToken } from './bearer-token.js';
import { bearerChallenge } from './www-authenticate.js';

const b64token = fc.stringMatching(/^[A-Za-z0-9\-._~+/]{1,200}=*$/);

describe('extractBearerToken (RFC 6750 §2.1)', () => {
  it('returns the token of any well-formed credential, whatever the scheme case and spacing', () => {
    fc.assert(
      fc.property(
        b64token,
        fc.constantFrom('Bearer', 'bearer', 'BEARER', 'bEaReR'),
        fc.integer({ min: 1, max: 3 }),
        (token, scheme, spaces) => {
          expect(extractBearerToken(`${scheme}${' '.repeat(spaces)}${token}`)).toBe(token);
        },
      ),
    );
  });

  it('never throws anything but a typed IdentityError with a 400 or 401 status', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string().map((s) => `Bearer ${s}`),
          fc.constant(undefined),
        ),
        (header) => {
          try {
            const token = extractBearerToken(header);
            expect(token).toMatch(/^[A-Za-z0-9\-._~+/]+=*$/);
          } catch (error) {
            expect(error).toBeInstanceOf(IdentityError);
            expect([400, 401]).toContain((error as IdentityError).status);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('treats other schemes as no token (no error code) and an empty Bearer as invalid_request', () => {
    const codeOf = (header: string | undefined) => {
      try {
        extractBearerToken(header);
        return 'ok';
      } catch (error) {
        return (error as IdentityError).code;
      }
    };
    expect(codeOf(undefined)).toBe('ERR_IDENTITY_MISSING_TOKEN');
    expect(codeOf('   ')).toBe('ERR_IDENTITY_MISSING_TOKEN');
    expect(codeOf('Basic abc')).toBe('ERR_IDENTITY_MISSING_TOKEN');
    expect(codeOf('Bearerabc')).toBe('ERR_IDENTITY_MISSING_TOKEN');
    expect(codeOf('Bearer')).toBe('ERR_IDENTITY_INVALID_REQUEST');
    expect(codeOf('Bearer a,b')).toBe('ERR_IDENTITY_INVALID_REQUEST');
  });
});

describe('bearerChallenge (RFC 6750 §3)', () => {
  it('always yields a header whose quoted values hold only the characters RFC 6750 allows', () => {
    const challenge =
      /^Bearer error="[\x20-\x21\x23-\x5b\x5d-\x7e]*", error_description="[\x20-\x21\x23-\x5b\x5d-\x7e]*", resource_metadata="[\x20-\x21\x23-\x5b\x5d-\x7e]*"$/;
    fc.assert(
      fc.property(fc.string(), fc.webUrl(), (description, url) => {
        const header = bearerChallenge(new IdentityError('ERR_IDENTITY_TOKEN_CLAIMS', description), url);
        expect(header).toMatch(challenge);
      }),
    );
  });
});
