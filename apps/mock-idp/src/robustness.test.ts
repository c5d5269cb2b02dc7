import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockIdp, type MockIdpLogger, startMockIdp } from './index.js';

const NAMES = [
  'client_id',
  'client_secret',
  'redirect_uri',
  'response_type',
  'scope',
  'state',
  'nonce',
  'code',
  'code_verifier',
  'code_challenge',
  'code_challenge_method',
  'grant_type',
  'refresh_token',
  'token',
  'username',
  'prompt',
];
// Known names (sometimes repeated) with arbitrary values, plus arbitrary names.
const params = fc.array(
  fc.tuple(
    fc.oneof(fc.constantFrom(...NAMES), fc.string({ maxLength: 12 })),
    // Values that pass some checks, so deeper branches are reached too.
    fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.constantFrom(
        'client',
        'secret',
        'code',
        'S256',
        'authorization_code',
        'refresh_token',
        'http://127.0.0.1:9/cb',
        'A'.repeat(43),
        'login',
        'none',
        'openid',
      ),
    ),
  ),
  { maxLength: 12 },
);

describe.each(['oidc', 'oauth2'] as const)('robustness against arbitrary parameters (%s mode)', (mode) => {
  let idp: MockIdp;
  const errors: object[] = [];
  const logger: MockIdpLogger = { debug() {}, info() {}, warn() {}, error: (obj) => errors.push(obj) };
  const paths =
    mode === 'oidc'
      ? ['/authorize', '/token', '/userinfo', '/revoke']
      : ['/login/oauth/authorize', '/login/oauth/access_token', '/user'];

  beforeAll(async () => {
    idp = await startMockIdp({ mode, clientId: 'client', clientSecret: 'secret', logger });
  });
  afterAll(() => idp.close());

  it('answers every request with a 2xx–4xx, never a 500, and logs no unexpected error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.constantFrom('GET', 'POST'),
        params,
        fc.option(fc.string({ maxLength: 60 }), { nil: undefined }),
        async (path, method, pairs, authorization) => {
          const search = new URLSearchParams(pairs);
          const headers: Record<string, string> = {};
          if (authorization !== undefined && /^[\x20-\x7e]*$/.test(authorization))
            headers['authorization'] = authorization;
          const res =
            method === 'GET'
              ? await fetch(`${idp.url}${path}?${search}`, { headers, redirect: 'manual' })
              : await fetch(`${idp.url}${path}`, { method, headers, body: search, redirect: 'manual' });
          await res.arrayBuffer();
          expect(res.status).toBeGreaterThanOrEqual(200);
          expect(res.status).toBeLessThan(500);
        },
      ),
      { numRuns: 150 },
    );
    expect(errors).toEqual([]);
  });
});
