import { describe, expect, it } from 'vitest';
import { prefixName, prefixUri, splitPrefixedName, splitPrefixedUri } from './prefixed-name.js';

describe('prefixed names of an aggregate route', () => {
  it('split back at the first separator, so tool names may hold "__" and URIs "+"', () => {
    expect(splitPrefixedName(prefixName('corp', 'search__all'))).toEqual({
      backend: 'corp',
      name: 'search__all',
    });
    expect(splitPrefixedUri(prefixUri('gh', 'git+ssh://x/a+b'))).toEqual({
      backend: 'gh',
      uri: 'git+ssh://x/a+b',
    });
  });

  it('a name without a backend prefix has no owner', () => {
    expect(splitPrefixedName('search')).toBeUndefined();
    expect(splitPrefixedName('__search')).toBeUndefined();
    expect(splitPrefixedUri('file:///a')).toBeUndefined();
    expect(splitPrefixedUri('+file:///a')).toBeUndefined();
  });
});
