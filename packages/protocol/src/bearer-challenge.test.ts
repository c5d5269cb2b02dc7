import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bearerChallenge } from './bearer-challenge.js';

// RFC 9110 §11.2 / §5.6.4: auth-param = token "=" quoted-string; qdtext or quoted-pair inside the quotes.
const QUOTED = String.raw`"(?:[\t\x20\x21\x23-\x5b\x5d-\x7e]|\\[\t\x20-\x7e])*"`;
const CHALLENGE = new RegExp(`^Bearer(?: [a-z_]+=${QUOTED}(?:, [a-z_]+=${QUOTED})*)?$`);
// RFC 6750 §3: error, error_description and scope values hold only these, so never a quoted-pair.
const RFC6750_VALUE = /^"[\x20\x21\x23-\x5b\x5d-\x7e]*"$/;

function param(header: string, name: string): string | undefined {
  return new RegExp(`(?:^Bearer |, )${name}=(${QUOTED})`).exec(header)?.[1];
}

describe('bearerChallenge (RFC 6750 §3, RFC 9728 §5.1)', () => {
  it('writes the parameters in a fixed order, and Bearer alone without any', () => {
    expect(bearerChallenge()).toBe('Bearer');
    expect(
      bearerChallenge({ resourceMetadata: 'https://api.example.com/.well-known/oauth-protected-resource' }),
    ).toBe('Bearer resource_metadata="https://api.example.com/.well-known/oauth-protected-resource"');
    expect(
      bearerChallenge({
        realm: 'mcp',
        error: 'insufficient_scope',
        errorDescription: 'the openid scope is required',
        scope: 'openid profile',
        resourceMetadata: 'https://api.example.com/m',
      }),
    ).toBe(
      'Bearer realm="mcp", error="insufficient_scope", error_description="the openid scope is required", scope="openid profile", resource_metadata="https://api.example.com/m"',
    );
  });

  // Regression (issue 14): chain's userinfo wrote `error_description="${description}"` as is, so a `"`
  // ended the quoted string early and CR LF could split the header. One builder, for every package.
  it('keeps quotes, backslashes and line breaks from ending the quoted string or splitting the header', () => {
    expect(
      bearerChallenge({ error: 'invalid_token', errorDescription: 'say "hi" \\ bye\r\nSet-Cookie: x=1' }),
    ).toBe('Bearer error="invalid_token", error_description="say hi  byeSet-Cookie: x=1"');
    expect(bearerChallenge({ realm: 'a "b" \\c\n', resourceMetadata: 'https://x.example/"q"' })).toBe(
      'Bearer realm="a \\"b\\" \\\\c", resource_metadata="https://x.example/\\"q\\""',
    );
  });

  it('always yields a well-formed challenge whose RFC 6750 values hold only the characters RFC 6750 allows', () => {
    const text = fc.option(fc.string({ unit: 'binary' }), { nil: undefined });
    fc.assert(
      fc.property(text, text, text, text, (realm, errorDescription, scope, resourceMetadata) => {
        const header = bearerChallenge({
          error: 'invalid_token',
          ...(realm === undefined ? {} : { realm }),
          ...(errorDescription === undefined ? {} : { errorDescription }),
          ...(scope === undefined ? {} : { scope }),
          ...(resourceMetadata === undefined ? {} : { resourceMetadata }),
        });
        expect(header).toMatch(CHALLENGE);
        expect(header).not.toMatch(/[\r\n\0]/);
        for (const name of ['error', 'error_description', 'scope']) {
          const value = param(header, name);
          if (value !== undefined) expect(value).toMatch(RFC6750_VALUE);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
