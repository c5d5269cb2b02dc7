import { describe, expect, it } from 'vitest';
import { isScopeToken } from './scope-token.js';

describe('isScopeToken (RFC 6749 §3.3)', () => {
  it.each(['openid', 'offline_access', 'read:org', 'https://api.example.com/x', '!#[]~'])(
    'accepts %s',
    (v) => {
      expect(isScopeToken(v)).toBe(true);
    },
  );
  it.each(['', 'a b', 'a"b', 'a\\b', 'é', 'a\nb'])('refuses %j', (v) => {
    expect(isScopeToken(v)).toBe(false);
  });
});
