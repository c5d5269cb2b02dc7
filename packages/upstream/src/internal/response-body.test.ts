import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseResponseBody } from './response-body.js';

describe('parseResponseBody', () => {
  it('reads JSON objects and form bodies by content type', () => {
    expect(
      parseResponseBody('{"access_token":"a","expires_in":5}', 'application/json; charset=utf-8'),
    ).toEqual({
      access_token: 'a',
      expires_in: 5,
    });
    expect(
      parseResponseBody('access_token=a&scope=repo%2Cgist', 'application/x-www-form-urlencoded'),
    ).toEqual({
      access_token: 'a',
      scope: 'repo,gist',
    });
  });

  it('sniffs unlabelled bodies (GitHub text/plain)', () => {
    expect(parseResponseBody('{"error":"x"}', 'text/plain')).toEqual({ error: 'x' });
    expect(parseResponseBody('error=bad_verification_code', null)).toEqual({
      error: 'bad_verification_code',
    });
  });

  it.each([
    ['an array', '[1,2]', 'application/json'],
    ['a scalar', '"x"', 'application/json'],
    ['broken JSON', '{"a":', 'application/json'],
    ['HTML', '<html>oops</html>', 'text/html'],
    ['a repeated form key', 'access_token=a&access_token=b', 'application/x-www-form-urlencoded'],
    ['an empty form', '', 'application/x-www-form-urlencoded'],
  ])('refuses %s', (_label, text, type) => {
    expect(parseResponseBody(text, type)).toBeUndefined();
  });

  it('never throws, whatever the body and content type', () => {
    fc.assert(
      fc.property(fc.string(), fc.option(fc.string()), (text, type) => {
        const result = parseResponseBody(text, type);
        expect(result === undefined || (typeof result === 'object' && !Array.isArray(result))).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('round-trips any form with unique keys', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1 }), fc.string()), (record) => {
        fc.pre(Object.keys(record).length > 0);
        const text = new URLSearchParams(record).toString();
        expect({ ...parseResponseBody(text, 'application/x-www-form-urlencoded') }).toEqual({ ...record });
      }),
    );
  });
});
