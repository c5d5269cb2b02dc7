import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../upstream-error.js';
import { validateAuthorizationResponse } from './authorization-response.js';

const base = 'https://gw.example/oauth/callback/corp';
const issuer = { value: 'https://idp.example', required: true };

function failure(query: string, checks = { expectedState: 's1', issuer }): UpstreamError {
  try {
    validateAuthorizationResponse('corp', new URL(`${base}?${query}`), checks);
  } catch (error) {
    expect(error).toBeInstanceOf(UpstreamError);
    return error as UpstreamError;
  }
  throw new Error('expected a failure');
}

describe('validateAuthorizationResponse', () => {
  it('returns the code of a valid response', () => {
    const url = new URL(`${base}?code=c1&state=s1&iss=${encodeURIComponent(issuer.value)}`);
    expect(validateAuthorizationResponse('corp', url, { expectedState: 's1', issuer })).toBe('c1');
  });

  it('checks iss before state and error (RFC 9207 §2.4)', () => {
    const wrongIss = failure('error=access_denied&state=other&iss=https%3A%2F%2Fevil.example');
    expect(wrongIss.code).toBe('ERR_UPSTREAM_INVALID_RESPONSE');
    expect(wrongIss.message).toMatch(/iss/);
    expect(failure('code=c1&state=s1').message).toMatch(/no iss/);
  });

  it('accepts a missing iss when the IdP does not advertise RFC 9207, but never a wrong one', () => {
    const lax = { expectedState: 's1', issuer: { value: issuer.value, required: false } };
    expect(validateAuthorizationResponse('corp', new URL(`${base}?code=c1&state=s1`), lax)).toBe('c1');
    expect(failure('code=c1&state=s1&iss=https%3A%2F%2Fevil.example', lax).message).toMatch(/iss/);
  });

  it('checks state before trusting an error', () => {
    const error = failure('error=access_denied', {
      expectedState: 's1',
      issuer: { ...issuer, required: false },
    });
    expect(error.code).toBe('ERR_UPSTREAM_INVALID_RESPONSE');
    expect(error.oauthError).toBeUndefined();
  });

  it('refuses repeated parameters and malformed error codes', () => {
    expect(failure('code=a&code=b&state=s1&iss=https%3A%2F%2Fidp.example').message).toMatch(/repeats/);
    const malformed = failure('error=%22quoted%22&state=s1&iss=https%3A%2F%2Fidp.example');
    expect(malformed.code).toBe('ERR_UPSTREAM_INVALID_RESPONSE');
  });

  it('refuses a response without code, never naming the state it expected', () => {
    const error = failure('state=s1&iss=https%3A%2F%2Fidp.example');
    expect(error.message).toMatch(/no code/);
    const mismatch = failure('code=c&state=attacker&iss=https%3A%2F%2Fidp.example');
    expect(mismatch.message).not.toContain('s1');
    expect(mismatch.message).not.toContain('attacker');
  });
});
