import { FUZZ_PARAMETER_NAMES } from '@auth/test-kit';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './test-support/gateway-harness.js';

const RUNS = 250;
/** Each property stops after this long on a loaded machine (bounded time); no failure found = pass. */
const TIME_LIMIT_MS = 4000;
const CLIENT_REDIRECT = 'http://127.0.0.1:9000/cb';
const ERROR_CODE = /^[\x20\x21\x23-\x5b\x5d-\x7e]+$/;

/** Raw (already encoded) parameter values, including bad percent-encodings and huge values. */
const rawValue = fc.oneof(
  fc.constantFrom(
    '',
    'trusted-app',
    'secret-app',
    encodeURIComponent(CLIENT_REDIRECT),
    'code',
    'S256',
    'plain',
    'openid',
    'openid%20offline_access',
    'authorization_code',
    'refresh_token',
    '%',
    '%zz',
    '%C3%28',
    '%00',
    '%FF%FE',
    '%E2%82',
    '%%%',
    '[]',
    '{}',
    'null',
    'allow',
  ),
  fc.string({ maxLength: 40 }).map(encodeURIComponent),
  fc.string({ unit: 'binary', maxLength: 30 }).map(encodeURIComponent),
  fc.integer({ min: 100, max: 6000 }).map((n) => 'A'.repeat(n)),
);

const rawQuery = fc
  .array(fc.tuple(fc.constantFrom(...FUZZ_PARAMETER_NAMES), rawValue), { maxLength: 14 })
  .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${v}`).join('&'));

/** A plausible-looking authorize query for the known client, with one or two parts broken. */
const authorizeQuery = fc
  .record({
    base: fc.constantFrom(
      `client_id=trusted-app&redirect_uri=${encodeURIComponent(CLIENT_REDIRECT)}&response_type=code&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256&state=s`,
      `client_id=secret-app&redirect_uri=${encodeURIComponent('https://app.example.com/cb')}&response_type=code&code_challenge=${'b'.repeat(43)}&code_challenge_method=S256`,
    ),
    extra: rawQuery,
  })
  .map(({ base, extra }) => (extra === '' ? base : `${base}&${extra}`));

const contentType = fc.constantFrom(
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=utf-8',
  'application/x-www-form-urlencoded; charset=klingon',
  'application/json',
  'text/plain',
  'multipart/form-data; boundary=x',
  '',
);

const body = fc.oneof(
  rawQuery,
  fc.string({ maxLength: 200 }),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.constantFrom(
    '{"redirect_uris": [',
    '\u0000\u0001',
    '{"redirect_uris":"https://a.example/cb"}',
    'a=b&a=c',
  ),
  fc.integer({ min: 30_000, max: 80_000 }).map((n) => `token=${'x'.repeat(n)}`),
);

const authorization = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(
    'Basic',
    'Basic ',
    'Basic !!!',
    `Basic ${Buffer.from('secret-app:wrong').toString('base64')}`,
    `Basic ${Buffer.from('%zz:%').toString('base64')}`,
    `Basic ${Buffer.from('no-colon').toString('base64')}`,
    'Bearer',
    'Bearer a.b.c',
    'Bearer eyJhbGciOiJub25lIiwidHlwIjoiYXQrand0In0.eyJzdWIiOiJ4In0.',
    'Digest x',
  ),
  fc.string({ maxLength: 100 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
);

describe('fuzzing every endpoint (issue 5, item 7)', () => {
  let h: Harness;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    h = await startHarness({
      upstreams: [
        { name: 'corp', mode: 'oidc' },
        { name: 'github', mode: 'oauth2' },
      ],
      clients: [
        { clientId: 'trusted-app', redirectUris: [CLIENT_REDIRECT], trusted: true },
        {
          clientId: 'secret-app',
          clientSecret: 'fuzz-client-secret-value',
          redirectUris: ['https://app.example.com/cb'],
          trusted: false,
        },
      ],
    });
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await h.close();
  });

  /** Every answer: no 5xx; JSON errors are RFC 6749 §5.2 shaped; redirects go only where allowed. */
  async function check(response: Response): Promise<void> {
    expect(response.status).toBeLessThan(500);
    const type = response.headers.get('content-type') ?? '';
    const text = await response.text();
    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get('location') ?? '';
      const allowed = [
        CLIENT_REDIRECT,
        'https://app.example.com/cb',
        h.idps['corp']!.url,
        h.idps['github']!.url,
      ];
      expect(
        allowed.some((prefix) => location.startsWith(prefix)),
        location,
      ).toBe(true);
      return;
    }
    if (response.status >= 400 && type.startsWith('application/json') && text !== '') {
      const parsed = JSON.parse(text) as Record<string, unknown>;
      expect(parsed['error']).toMatch(ERROR_CODE);
      if (parsed['error_description'] !== undefined) expect(parsed['error_description']).toMatch(ERROR_CODE);
      expect(Object.keys(parsed).every((k) => k === 'error' || k === 'error_description')).toBe(true);
    }
    if (response.status >= 400 && type.startsWith('text/html') && text !== '')
      expect(text).toContain('Authorization error');
    expect(text).not.toMatch(/at [\w.]+ \(|node_modules|TypeError/);
  }

  const send = (path: string, init: RequestInit = {}) =>
    fetch(`${h.issuer}${path}`, { redirect: 'manual', ...init, signal: AbortSignal.timeout(10_000) });

  it('GET /oauth/authorize', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(rawQuery, authorizeQuery), async (query) => {
        await check(await send(`/oauth/authorize?${query}`));
      }),
      { numRuns: RUNS * 2, interruptAfterTimeLimit: TIME_LIMIT_MS },
    );
  });

  it('GET /oauth/callback/:upstream', async () => {
    const provider = fc.constantFrom('corp', 'github', 'default', 'x', '%2e%2e', '%zz', 'a'.repeat(300));
    await fc.assert(
      fc.asyncProperty(provider, rawQuery, async (name, query) => {
        await check(await send(`/oauth/callback/${name}?${query}`));
      }),
      { numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS },
    );
  });

  for (const path of [
    '/oauth/token',
    '/oauth/revoke',
    '/oauth/introspect',
    '/oauth/consent',
    '/oauth/register',
    '/oauth/userinfo',
  ]) {
    it(`POST ${path}`, async () => {
      await fc.assert(
        fc.asyncProperty(contentType, body, authorization, async (type, payload, auth) => {
          const headers: Record<string, string> = {};
          if (type !== '') headers['content-type'] = type;
          if (auth !== undefined) headers['authorization'] = auth;
          await check(await send(path, { method: 'POST', headers, body: payload }));
        }),
        { numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS },
      );
    });
  }

  it('GET /oauth/userinfo, discovery and unknown paths with odd methods', async () => {
    const method = fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD');
    const path = fc.constantFrom(
      '/oauth/userinfo',
      '/oauth/token',
      '/oauth/authorize',
      '/oauth/nothing',
      '/oauth/callback/corp',
      '/.well-known/oauth-authorization-server',
      '/.well-known/jwks.json',
    );
    await fc.assert(
      fc.asyncProperty(method, path, authorization, async (m, p, auth) => {
        await check(await send(p, { method: m, headers: auth === undefined ? {} : { authorization: auth } }));
      }),
      { numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS },
    );
  });

  it('left no unhandled rejection and no secret in the logs', () => {
    expect(unhandled).toEqual([]);
    expect(h.logs.leaks(['fuzz-client-secret-value', ...h.secrets])).toEqual([]);
    expect(h.logs.lines.some((l) => l.includes('"level":"error"'))).toBe(false);
  });
});
