import { describe, expect, it } from 'vitest';
import { ACCESS_TOKEN_REQUIRED_CLAIMS, invalidAccessTokenClaim } from './access-token-claims.js';

const claims = {
  iss: 'https://gateway.example.com',
  sub: 'user-1',
  aud: ['https://api.example.com'],
  exp: 2_000_000_000,
  iat: 1_999_999_000,
  jti: 'j1',
  client_id: 'app',
  tsid: 's1',
};

describe('access-token claims (RFC 9068 §2.2)', () => {
  it('requires RFC 9068 §2.2 claims and the session id, not scope (§2.2.3: SHOULD, when requested)', () => {
    expect([...ACCESS_TOKEN_REQUIRED_CLAIMS].sort()).toEqual(
      ['aud', 'client_id', 'exp', 'iat', 'iss', 'jti', 'sub', 'tsid'].sort(),
    );
    expect(ACCESS_TOKEN_REQUIRED_CLAIMS).not.toContain('scope');
  });

  it('accepts well-typed claims, with or without scope', () => {
    expect(invalidAccessTokenClaim(claims)).toBeUndefined();
    expect(
      invalidAccessTokenClaim({ ...claims, aud: 'https://api.example.com', scope: 'openid' }),
    ).toBeUndefined();
  });

  it.each([
    ['sub', { sub: '' }],
    ['client_id', { client_id: 7 }],
    ['tsid', { tsid: undefined }],
    ['jti', { jti: ['j'] }],
    ['iss', { iss: null }],
    ['aud', { aud: [1] }],
    ['aud', { aud: {} }],
    ['exp', { exp: '2000000000' }],
    ['iat', { iat: undefined }],
    ['scope', { scope: ['openid'] }],
  ])('names %s when it has the wrong type', (claim, override) => {
    expect(invalidAccessTokenClaim({ ...claims, ...override })).toBe(claim);
  });
});
