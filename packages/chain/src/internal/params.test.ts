import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OAuthError } from '../oauth-error.js';
import { Params } from './params.js';

describe('Params (RFC 6749 §3.1)', () => {
  it('treats empty values as absent and refuses repeated ones', () => {
    const params = new Params(new URLSearchParams('a=&b=1&c=1&c=2&r=x&r=y'));
    expect(params.optional('a')).toBeUndefined();
    expect(params.optional('b')).toBe('1');
    expect(() => params.optional('c')).toThrow(OAuthError);
    expect(() => params.required('a')).toThrow(/a is required/);
    expect(params.all('r')).toEqual(['x', 'y']);
    expect(() => new Params(new URLSearchParams(`b=${'x'.repeat(11)}`)).optional('b', 10)).toThrow(
      /too long/,
    );
  });

  it('only ever returns a string, undefined or an invalid_request error', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom('a', 'b', '__proto__'), (query, name) => {
        const params = new Params(new URLSearchParams(query));
        try {
          const value = params.optional(name, 50);
          expect(value === undefined || typeof value === 'string').toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(OAuthError);
          expect((error as OAuthError).error).toBe('invalid_request');
        }
      }),
    );
  });
});
