import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { removeDotSegments } from './remove-dot-segments.js';

describe('removeDotSegments (RFC 3986 §5.2.4)', () => {
  it.each([
    // The paths of the RFC's examples (§5.2.4 and §5.4).
    ['/a/b/c/./../../g', '/a/g'],
    ['/b/c/./g', '/b/c/g'],
    ['/b/c/g/', '/b/c/g/'],
    ['/b/c/.', '/b/c/'],
    ['/b/c/./', '/b/c/'],
    ['/b/c/..', '/b/'],
    ['/b/c/../', '/b/'],
    ['/b/c/../g', '/b/g'],
    ['/b/c/../..', '/'],
    ['/b/c/../../g', '/g'],
    ['/b/c/../../../g', '/g'],
    ['/b/c/../../../../g', '/g'],
    ['/./g', '/g'],
    ['/../g', '/g'],
    ['/b/c/g.', '/b/c/g.'],
    ['/b/c/.g', '/b/c/.g'],
    ['/b/c/g..', '/b/c/g..'],
    ['/b/c/..g', '/b/c/..g'],
    ['/b/c/g;x=1/./y', '/b/c/g;x=1/y'],
    ['/b/c/g;x=1/../y', '/b/c/y'],
    // Edges: the root, empty segments, nothing to do.
    ['/', '/'],
    ['/.', '/'],
    ['/..', '/'],
    ['/a//../b', '/a/b'],
    ['//a', '//a'],
    ['/mcp/c/%2e%2e', '/mcp/c/%2e%2e'],
  ])('%s → %s', (input, expected) => {
    expect(removeDotSegments(input)).toBe(expected);
  });

  it('leaves a path that is not absolute alone', () => {
    expect(removeDotSegments('*')).toBe('*');
    expect(removeDotSegments('a/../b')).toBe('a/../b');
  });

  it('agrees with the WHATWG URL parser on paths of letters, dots and slashes', () => {
    const path = fc
      .array(fc.constantFrom('a', 'b', '.', '..', '', 'c.d'), { maxLength: 8 })
      .map((segments) => `/${segments.join('/')}`);
    fc.assert(
      fc.property(path, (input) => {
        expect(removeDotSegments(input)).toBe(new URL(`http://gateway.test${input}`).pathname);
      }),
    );
  });

  it('is idempotent and leaves no dot segment', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('x', '.', '..', '', '%2e'), { maxLength: 10 }), (segments) => {
        const once = removeDotSegments(`/${segments.join('/')}`);
        expect(removeDotSegments(once)).toBe(once);
        expect(once.split('/').slice(1)).not.toContain('.');
        expect(once.split('/').slice(1)).not.toContain('..');
      }),
    );
  });
});
