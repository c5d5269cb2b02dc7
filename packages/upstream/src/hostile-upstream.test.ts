import { newLeg } from '@auth/test-kit';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUpstreamClient } from './create-upstream-client.js';
import { startHttpServer } from './test-support/http-server.js';
import type { UpstreamClient } from './upstream-client.js';
import { UpstreamError } from './upstream-error.js';

/** Every token-like value the hostile IdP sends carries this marker; no error may repeat it. */
const MARKER = 'LEAKME';

interface Answer {
  status: number;
  contentType: string | undefined;
  body: string;
}

const tokenLike = fc.oneof(
  fc.string().map((s) => `${MARKER}${s}`),
  fc.integer(),
  fc.constant(null),
  fc.constant(undefined),
  fc.constant(`${MARKER}.${MARKER}.${MARKER}`),
);
const tokenFields = fc.record(
  {
    access_token: tokenLike,
    token_type: fc.oneof(fc.constantFrom('bearer', 'Bearer', 'mac', ''), fc.integer()),
    expires_in: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant('3600')),
    refresh_token: tokenLike,
    id_token: tokenLike,
    scope: fc.oneof(fc.string(), fc.constant('repo,gist')),
    error: fc.constantFrom('invalid_grant', 'server_error', 'bad "quoted"', ''),
    error_description: fc.string().map((s) => `${MARKER}${s}`),
  },
  { requiredKeys: [] },
);
const anyAnswer: fc.Arbitrary<Answer> = fc.record({
  status: fc.constantFrom(200, 200, 200, 201, 204, 301, 400, 401, 404, 429, 500, 503),
  contentType: fc.constantFrom(
    'application/json',
    'application/x-www-form-urlencoded',
    'text/plain',
    'text/html',
    undefined,
  ),
  body: fc.oneof(
    tokenFields.map((fields) => JSON.stringify(fields)),
    tokenFields.map((fields) =>
      new URLSearchParams(
        Object.entries(fields).flatMap(([k, v]): [string, string][] =>
          v === undefined ? [] : [[k, String(v)]],
        ),
      ).toString(),
    ),
    fc.json(),
    fc.string(),
  ),
});
/** A success answer with random extras, so the success path is exercised too. */
const plausibleAnswer: fc.Arbitrary<Answer> = tokenFields.map((fields) => ({
  status: 200,
  contentType: 'application/json',
  body: JSON.stringify({ ...fields, access_token: `${MARKER}-access`, error: undefined }),
}));
const answer = fc.oneof(plausibleAnswer, anyAnswer, anyAnswer);
const anyUserinfo: fc.Arbitrary<Answer> = fc.record({
  status: fc.constantFrom(200, 200, 200, 401, 500),
  contentType: fc.constantFrom('application/json', 'text/html'),
  body: fc.oneof(
    fc
      .record(
        { id: fc.oneof(fc.integer(), fc.string(), fc.double(), fc.constant(null)), login: fc.string() },
        { requiredKeys: [] },
      )
      .map((r) => JSON.stringify(r)),
    fc.json(),
    fc.string(),
  ),
});

const userinfo = fc.oneof(
  fc
    .integer({ min: 1 })
    .map((id) => ({ status: 200, contentType: 'application/json', body: JSON.stringify({ id }) })),
  anyUserinfo,
);

let server: { url: string; close(): Promise<void> };
let tokenAnswer: Answer;
let userinfoAnswer: Answer;

function send(res: import('node:http').ServerResponse, a: Answer): void {
  res.statusCode = a.status;
  if (a.contentType !== undefined) res.setHeader('content-type', a.contentType);
  res.end(a.body);
}

beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    if (req.url === '/.well-known/openid-configuration') {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          issuer: server.url,
          authorization_endpoint: `${server.url}/authorize`,
          token_endpoint: `${server.url}/token`,
          jwks_uri: `${server.url}/jwks`,
          id_token_signing_alg_values_supported: ['ES256'],
        }),
      );
    } else if (req.url === '/jwks') {
      res.setHeader('content-type', 'application/json');
      res.end('{"keys":[]}');
    } else if (req.url === '/token') {
      send(res, tokenAnswer);
    } else if (req.url === '/user') {
      send(res, userinfoAnswer);
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
});
afterAll(async () => {
  await server?.close();
});

/** The call either succeeds with sane values or fails with an `UpstreamError` that repeats no token. */
async function outcome(run: () => Promise<{ accessToken: string }>): Promise<'ok' | 'failed'> {
  try {
    const tokens = await run();
    expect(tokens.accessToken.length).toBeGreaterThan(0);
    return 'ok';
  } catch (error) {
    expect(error).toBeInstanceOf(UpstreamError);
    const e = error as UpstreamError;
    expect(`${e.message} ${String(e.cause)} ${JSON.stringify(e)}`).not.toContain(MARKER);
    return 'failed';
  }
}

describe('a hostile upstream', () => {
  it('oauth2: any token and userinfo answer gives tokens or an UpstreamError, never a crash or a leak', async () => {
    const client: UpstreamClient = createUpstreamClient(
      {
        name: 'gh',
        type: 'oauth2',
        authorizationEndpoint: `${server.url}/authorize`,
        tokenEndpoint: `${server.url}/token`,
        userinfo: { endpoint: `${server.url}/user`, subjectField: 'id', nameField: 'login' },
        clientId: 'gw',
        clientSecret: 's',
        scopes: ['repo'],
      },
      { allowInsecureHttp: true, timeoutMs: 5_000 },
    );
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(answer, userinfo, async (token, user) => {
        tokenAnswer = token;
        userinfoAnswer = user;
        const leg = newLeg('gh');
        seen.add(
          await outcome(async () => {
            const { tokens, identity } = await client.completeAuthorization(
              new URL(`${leg.redirectUri}?code=c&state=${leg.state}`),
              leg,
            );
            expect(identity.subject.length).toBeGreaterThan(0);
            return tokens;
          }),
        );
        seen.add(await outcome(() => client.refresh('r')));
      }),
      { numRuns: 60 },
    );
    expect(seen).toEqual(new Set(['ok', 'failed']));
  });

  it('oidc: any token answer without a verifiable ID token is an UpstreamError, never a crash or a leak', async () => {
    const client = createUpstreamClient(
      {
        name: 'corp',
        type: 'oidc',
        issuer: server.url,
        clientId: 'gw',
        clientSecret: 's',
        scopes: ['openid'],
      },
      { allowInsecureHttp: true, timeoutMs: 5_000 },
    );
    await fc.assert(
      fc.asyncProperty(answer, async (token) => {
        tokenAnswer = token;
        const leg = newLeg();
        const callback = new URL(`${leg.redirectUri}?code=c&state=${leg.state}`);
        expect(await outcome(async () => (await client.completeAuthorization(callback, leg)).tokens)).toBe(
          'failed',
        );
      }),
      { numRuns: 60 },
    );
  });
});
