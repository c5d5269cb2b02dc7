import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type MockIdpFaults, parseMockIdpFaults } from './mock-idp-faults.js';

const KNOWN = [
  'authorize_error',
  'response_iss',
  'response_state',
  'token_status',
  'token_error',
  'token_delay_ms',
  'id_token',
  'refresh_error',
  'userinfo_status',
  'once',
];

const validFaults: fc.Arbitrary<MockIdpFaults> = fc.record(
  {
    authorize_error: fc.constantFrom('access_denied', 'temporarily_unavailable', 'server_error'),
    response_iss: fc.constantFrom('wrong' as const, 'missing' as const),
    response_state: fc.constant('missing' as const),
    token_status: fc.integer({ min: 200, max: 599 }),
    token_error: fc.constantFrom('invalid_grant', 'invalid_client'),
    token_delay_ms: fc.integer({ min: 0, max: 60_000 }),
    id_token: fc.constantFrom(
      'bad_signature' as const,
      'wrong_nonce' as const,
      'wrong_audience' as const,
      'wrong_issuer' as const,
      'expired' as const,
      'alg_none' as const,
    ),
    refresh_error: fc.constant('invalid_grant'),
    userinfo_status: fc.integer({ min: 200, max: 599 }),
    once: fc.boolean(),
  },
  { requiredKeys: [] },
);

describe('parseMockIdpFaults', () => {
  it('accepts every combination of valid fields as given', () => {
    fc.assert(
      fc.property(validFaults, (faults) => {
        expect(parseMockIdpFaults(faults)).toEqual(faults);
      }),
    );
  });

  it('rejects any unknown field, naming it', () => {
    const unknownKey = fc
      .string({ minLength: 1, maxLength: 20 })
      .filter((k) => !KNOWN.includes(k) && k !== '__proto__');
    fc.assert(
      fc.property(validFaults, unknownKey, (faults, key) => {
        expect(() => parseMockIdpFaults({ ...faults, [key]: 1 })).toThrow(/unknown field/);
      }),
    );
  });

  it('reports every problem at once', () => {
    expect(() => parseMockIdpFaults({ token_status: 99, userinfo_status: 'x', bogus: true })).toThrow(
      /token_status.*userinfo_status.*bogus|token_status.*bogus.*userinfo_status/,
    );
  });

  it('rejects error codes with characters RFC 6749 §5.2 forbids', () => {
    for (const bad of ['', 'a"b', 'a\\b', 'é', 'x'.repeat(101), 42]) {
      expect(() => parseMockIdpFaults({ authorize_error: bad })).toThrow(/authorize_error/);
    }
    expect(() => parseMockIdpFaults(JSON.parse('{"__proto__": {"x": 1}}'))).toThrow(/unknown field/);
  });
});
