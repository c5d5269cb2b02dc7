import { describe, expect, it } from 'vitest';
import { type VerifiedToken, VerifiedTokenCache } from './verified-token-cache.js';

const entry = (sub: string): VerifiedToken => ({
  claims: { iss: 'i', sub, aud: 'a', exp: 1, iat: 0, client_id: 'c', jti: sub, tsid: 's' },
  scopes: [],
  kid: 'k',
  expiresAtMs: 1000,
});

describe('VerifiedTokenCache', () => {
  it('answers what was set, and nothing after delete', () => {
    const cache = new VerifiedTokenCache(10);
    cache.set('t1', entry('a'));
    expect(cache.get('t1')?.claims.sub).toBe('a');
    expect(cache.get('t2')).toBeUndefined();
    cache.delete('t1');
    expect(cache.get('t1')).toBeUndefined();
  });

  it('never holds more than its bound, and a bound of 0 holds nothing', () => {
    const cache = new VerifiedTokenCache(3);
    for (let i = 0; i < 50; i += 1) {
      cache.set(`t${i}`, entry(String(i)));
      if (i % 2 === 0) cache.get(`t${i}`);
    }
    expect(cache.size).toBe(3);
    const none = new VerifiedTokenCache(0);
    none.set('t', entry('a'));
    expect(none.get('t')).toBeUndefined();
  });

  it('keeps a token in use when the cache is full, evicting the oldest unused one', () => {
    const cache = new VerifiedTokenCache(3);
    cache.set('hot', entry('hot'));
    cache.set('b', entry('b'));
    cache.set('c', entry('c'));
    cache.get('hot');
    cache.set('d', entry('d'));
    expect(cache.get('hot')).toBeDefined();
    expect(cache.get('b')).toBeUndefined();
    expect([cache.get('c'), cache.get('d')].every((e) => e !== undefined)).toBe(true);
  });

  it('evicts even when every entry was read (the flags are cleared on the way)', () => {
    const cache = new VerifiedTokenCache(2);
    cache.set('a', entry('a'));
    cache.set('b', entry('b'));
    cache.get('a');
    cache.get('b');
    cache.set('c', entry('c'));
    expect(cache.size).toBe(2);
    expect(cache.get('c')).toBeDefined();
  });
});
