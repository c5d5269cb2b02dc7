import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance } from './did-you-mean.js';
import { formatPath } from './issue-path.js';

describe('editDistance', () => {
  it.each([
    ['client_secrt_env', 'client_secret_env', 1],
    ['isuer', 'issuer', 1],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
    ['Issuer', 'issuer', 0],
  ])('%s → %s = %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
  });

  it('is a metric: symmetric, zero on itself, bounded by the longer length', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        expect(editDistance(a, b)).toBe(editDistance(b, a));
        expect(editDistance(a, a)).toBe(0);
        expect(editDistance(a, b)).toBeLessThanOrEqual(Math.max(a.length, b.length));
      }),
    );
  });
});

describe('didYouMean', () => {
  const keys = ['client_id', 'client_secret_env', 'client_secret_file', 'scopes', 'optional'];
  it('suggests the nearest key for a typo', () => {
    expect(didYouMean('client_secrt_env', keys)).toBe('client_secret_env');
    expect(didYouMean('scope', keys)).toBe('scopes');
    expect(didYouMean('optinal', keys)).toBe('optional');
  });
  it('suggests nothing for an unrelated word', () => {
    expect(didYouMean('backend', keys)).toBeUndefined();
    expect(didYouMean('x', [])).toBeUndefined();
  });
});

describe('formatPath', () => {
  it.each([
    [[], ''],
    [['issuer'], 'issuer'],
    [['upstreams', 1, 'name'], 'upstreams[1].name'],
    [['token_lifetimes', 'access_token'], 'token_lifetimes.access_token'],
    [['clients', 0, 'redirect_uris', 2], 'clients[0].redirect_uris[2]'],
    [['routes', 0, 'odd key'], 'routes[0]["odd key"]'],
  ] as const)('%j → %s', (path, text) => {
    expect(formatPath(path)).toBe(text);
  });
});
