import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { parseDuration } from './internal/duration.js';
import { parseConfig } from './parse-config.js';
import { BASE_ENV, baseConfig, singleUpstreamConfig, variant } from './test-support/config-fixtures.js';

/** An oracle for upstream names written without a regular expression. */
function isValidName(name: string): boolean {
  const allowed = (c: string) => (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c === '-';
  return name.length > 0 && [...name].every(allowed) && !name.startsWith('-') && !name.endsWith('-');
}

const nameChars = fc.constantFrom(...'abcxyz0189-_.A Zé/'.split(''));
const candidateNames = fc.oneof(
  fc.string({ unit: nameChars, maxLength: 12 }),
  fc.string({ maxLength: 12 }),
  fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/),
);

function acceptsName(name: string): boolean {
  const config = variant(baseConfig(), { 'upstreams.0.name': name, 'routes.0.upstream': 'github' });
  try {
    const parsed = parseConfig(config, { env: BASE_ENV });
    expect(parsed.upstreams[0]!.name).toBe(name);
    return true;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    expect(error.issues.map((issue) => issue.path)).toEqual(['upstreams[0].name']);
    return false;
  }
}

describe('upstream names (property)', () => {
  it('accepts exactly the names of ^[a-z0-9]([a-z0-9-]*[a-z0-9])?$, reporting others at upstreams[0].name', () => {
    fc.assert(
      fc.property(
        candidateNames.filter((name) => name !== 'default' && name !== 'github'),
        (name) => {
          expect(acceptsName(name)).toBe(isValidName(name));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a valid name is referenced by routes; any other name a route gives is refused', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/),
        fc.string({ maxLength: 8 }),
        (name, other) => {
          fc.pre(name !== 'default' && name !== 'github' && other !== name && other !== 'github');
          const ok = variant(baseConfig(), { 'upstreams.0.name': name, 'routes.0.upstream': name });
          expect(parseConfig(ok, { env: BASE_ENV }).routes[0]!.upstream).toBe(name);
          const bad = variant(ok, { 'routes.0.upstream': other });
          expect(() => parseConfig(bad, { env: BASE_ENV })).toThrow(ConfigError);
        },
      ),
      { numRuns: 150 },
    );
  });
});

const UNIT = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

describe('durations (property)', () => {
  it('a count with a unit is count × unit seconds; a bare count is seconds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.constantFrom('s', 'm', 'h', 'd', ''),
        (count, unit) => {
          const seconds = count * (unit === '' ? 1 : UNIT[unit]);
          expect(parseDuration(`${count}${unit}`)).toBe(seconds);
          if (unit === '') expect(parseDuration(count)).toBe(count);
        },
      ),
    );
  });

  it('anything else is not a duration', () => {
    const valid = /^[0-9]+[smhd]?$/;
    fc.assert(
      fc.property(fc.string({ maxLength: 8 }), (text) => {
        fc.pre(!valid.test(text));
        expect(parseDuration(text)).toBeUndefined();
      }),
    );
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.integer({ max: 0 })), (value) => {
        fc.pre(!(Number.isSafeInteger(value) && value > 0));
        expect(parseDuration(value)).toBeUndefined();
      }),
    );
    expect(parseDuration('0s')).toBeUndefined();
    expect(parseDuration(`${Number.MAX_SAFE_INTEGER}d`)).toBeUndefined();
  });

  it('an access token lifetime is accepted exactly within 1m–24h, in seconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200_000 }), fc.constantFrom('s', 'm', 'h', ''), (count, unit) => {
        const seconds = count * (unit === '' ? 1 : UNIT[unit]);
        const config = variant(singleUpstreamConfig(), { 'token_lifetimes.access_token': `${count}${unit}` });
        const within = seconds >= 60 && seconds <= 86_400;
        try {
          const parsed = parseConfig(config, { env: BASE_ENV });
          expect(within).toBe(true);
          expect(parsed.tokenLifetimes.accessToken).toBe(seconds);
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          expect(within).toBe(false);
          expect((error as ConfigError).issues).toEqual([
            { path: 'token_lifetimes.access_token', message: 'must be between 1m and 24h' },
          ]);
        }
      }),
      { numRuns: 200 },
    );
  });
});
