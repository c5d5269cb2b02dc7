import { describe, expect, it } from 'vitest';
import { decodeJwtPayload, maskToken } from './sign-in-report.js';

describe('sign-in report helpers', () => {
  it('masks a token to a six-character prefix and its length, keeping the scheme', () => {
    const token = `midp_${'x'.repeat(38)}`;
    expect(maskToken(token)).toBe('midp_x… (43 characters)');
    expect(maskToken(`Bearer ${token}`)).toBe('Bearer midp_x… (43 characters)');
    expect(maskToken(`Bearer ${token}`)).not.toContain(token);
  });

  it('decodes a JWT payload and refuses what is not one', () => {
    const jwt = `e30.${Buffer.from('{"sub":"erin","tsid":"s1"}').toString('base64url')}.c2ln`;
    expect(decodeJwtPayload(jwt)).toEqual({ sub: 'erin', tsid: 's1' });
    expect(() => decodeJwtPayload('opaque')).toThrow();
    expect(() => decodeJwtPayload(`e30.${Buffer.from('[1]').toString('base64url')}.x`)).toThrow(/not a JWT/);
  });
});
