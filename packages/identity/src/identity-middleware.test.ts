import { OptionsError } from '@auth/protocol';
import { createMemoryStorage, type Storage } from '@auth/storage';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator } from './authenticator.js';
import { IdentityOptionsError } from './errors.js';
import { createIdentityMiddleware, isIdentityMiddleware } from './identity-middleware.js';
import { startApp } from './test-support/http-app.js';
import { startJwksServer, type TestJwksServer } from './test-support/jwks-server.js';
import {
  AUDIENCE,
  createTestKey,
  ISSUER,
  mintAccessToken,
  RESOURCE_METADATA,
  type TestKey,
  unsecuredToken,
} from './test-support/keys.js';

const INVALID = (description: string) =>
  `Bearer error="invalid_token", error_description="${description}", resource_metadata="${RESOURCE_METADATA}"`;

describe('identity middleware over real HTTP (RFC 6750 §3, RFC 9068 §4)', () => {
  let es256: TestKey;
  let rs256: TestKey;
  let eddsa: TestKey;
  let jwks: TestJwksServer;
  let storage: Storage;
  let app: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    [es256, rs256, eddsa] = await Promise.all([
      createTestKey('ES256'),
      createTestKey('RS256'),
      createTestKey('EdDSA'),
    ]);
    jwks = await startJwksServer({ keys: [es256.publicJwk, rs256.publicJwk, eddsa.publicJwk] });
    storage = createMemoryStorage();
    await storage.storeUpstreamTokens('session-1', 'corp', {
      accessToken: 'corp-access',
      tokenType: 'Bearer',
      expiresAt: Date.now() + 3_600_000,
      userId: 'user-1',
      upstreamSubject: 'alice',
      clientId: 'client-1',
    });
    app = await startApp(
      createIdentityMiddleware({
        issuer: ISSUER,
        audience: AUDIENCE,
        jwks: jwks.url,
        storage,
        resourceMetadataUrl: RESOURCE_METADATA,
      }),
    );
  });
  afterAll(async () => {
    await app?.close();
    await jwks?.close();
    await storage?.close();
  });

  async function call(authorization?: string) {
    const response = await fetch(app.url, authorization === undefined ? {} : { headers: { authorization } });
    return {
      status: response.status,
      challenge: response.headers.get('www-authenticate'),
      cacheControl: response.headers.get('cache-control'),
      body: (await response.json()) as Record<string, unknown>,
    };
  }

  it('answers a request without a token with 401 and a challenge without error (RFC 6750 §3.1)', async () => {
    const result = await call();
    expect(result.status).toBe(401);
    expect(result.challenge).toBe(`Bearer resource_metadata="${RESOURCE_METADATA}"`);
    expect(result.body).toEqual({
      error: 'unauthorized',
      error_description: 'A bearer access token is required',
    });
    expect(result.cacheControl).toBe('no-store');
  });

  it('treats another authentication scheme like no token', async () => {
    const result = await call('Basic dXNlcjpwYXNz');
    expect(result.status).toBe(401);
    expect(result.challenge).toBe(`Bearer resource_metadata="${RESOURCE_METADATA}"`);
  });

  it.each([
    ['Bearer', 'The Authorization header has no bearer token'],
    ['Bearer    ', 'The Authorization header has no bearer token'],
    ['Bearer a b', 'The Authorization header is not a valid Bearer credential'],
    ['Bearer a"b', 'The Authorization header is not a valid Bearer credential'],
  ])('answers a malformed Bearer credential %# with 400 invalid_request', async (header, description) => {
    const result = await call(header);
    expect(result.status).toBe(400);
    expect(result.challenge).toBe(
      `Bearer error="invalid_request", error_description="${description}", resource_metadata="${RESOURCE_METADATA}"`,
    );
    expect(result.body).toEqual({ error: 'invalid_request', error_description: description });
  });

  it.each(['ES256', 'RS256', 'EdDSA'] as const)(
    'accepts a valid %s token and sets req.identity',
    async (alg) => {
      const key = alg === 'ES256' ? es256 : alg === 'RS256' ? rs256 : eddsa;
      const result = await call(`Bearer ${await mintAccessToken(key)}`);
      expect(result.status).toBe(200);
      expect(result.body).toMatchObject({
        subject: 'user-1',
        clientId: 'client-1',
        scopes: ['openid', 'offline_access'],
        sessionId: 'session-1',
        token: '<present>',
        upstreamTokens: { corp: 'corp-access' },
        upstreams: { corp: { status: 'ok' } },
      });
    },
  );

  it('accepts the bearer scheme in any case and typ in any case or as application/at+jwt', async () => {
    expect((await call(`bearer ${await mintAccessToken(es256, { header: { typ: 'AT+JWT' } })}`)).status).toBe(
      200,
    );
    const mediaType = await mintAccessToken(es256, { header: { typ: 'application/at+jwt' } });
    expect((await call(`BEARER ${mediaType}`)).status).toBe(200);
  });

  it('rejects a token with a bad signature', async () => {
    const impostor = await createTestKey('ES256', es256.kid);
    const result = await call(`Bearer ${await mintAccessToken(impostor)}`);
    expect(result.status).toBe(401);
    expect(result.challenge).toBe(INVALID('The access token signature is invalid'));
    expect(result.body).toEqual({
      error: 'invalid_token',
      error_description: 'The access token signature is invalid',
    });
  });

  it('rejects a tampered payload', async () => {
    const [header, , signature] = (await mintAccessToken(es256)).split('.');
    const payload = Buffer.from(JSON.stringify({ sub: 'admin' })).toString('base64url');
    const result = await call(`Bearer ${header}.${payload}.${signature}`);
    expect(result.challenge).toBe(INVALID('The access token signature is invalid'));
  });

  it('rejects alg none and HS256', async () => {
    const none = await call(`Bearer ${unsecuredToken(es256.kid)}`);
    expect(none.status).toBe(401);
    expect(none.challenge).toBe(INVALID('The access token signing algorithm is not accepted'));
    const hs256 = await new SignJWT({ sub: 'user-1', tsid: 'session-1' })
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: es256.kid })
      .sign(new TextEncoder().encode('a-shared-secret-of-at-least-32-bytes!!'));
    expect((await call(`Bearer ${hs256}`)).challenge).toBe(
      INVALID('The access token signing algorithm is not accepted'),
    );
  });

  it.each([
    ['typ JWT', { header: { typ: 'JWT' } }, 'The access token type is not at+jwt'],
    ['no typ', { header: { typ: undefined } }, 'The access token type is not at+jwt'],
    [
      'another issuer',
      { claims: { iss: 'http://127.0.0.1:9999' } },
      'The access token issuer is not trusted',
    ],
    [
      'another audience',
      { claims: { aud: 'http://127.0.0.1:8080/mcp/other' } },
      'The access token is not intended for this resource',
    ],
    ['expired', { iat: Math.floor(Date.now() / 1000) - 7200 }, 'The access token has expired'],
    ['no tsid', { omit: ['tsid'] }, 'The access token has no tsid claim'],
    ['an empty tsid', { claims: { tsid: '' } }, 'The access token tsid claim is invalid'],
    ['a numeric scope', { claims: { scope: 42 } }, 'The access token scope claim is invalid'],
    ['no client_id', { omit: ['client_id'] }, 'The access token has no client_id claim'],
  ])('rejects a token with %s', async (_name, options, description) => {
    const result = await call(`Bearer ${await mintAccessToken(es256, options)}`);
    expect(result.status).toBe(401);
    expect(result.challenge).toBe(INVALID(description));
    expect(result.body).toEqual({ error: 'invalid_token', error_description: description });
  });

  it('accepts a token expired by less than the clock tolerance', async () => {
    const token = await mintAccessToken(es256, {
      iat: Math.floor(Date.now() / 1000) - 63,
      lifetimeSeconds: 60,
    });
    expect((await call(`Bearer ${token}`)).status).toBe(200);
  });

  it('rejects garbage that looks like a token', async () => {
    for (const garbage of ['abc', 'a.b.c', 'eyJhbGciOiJFUzI1NiJ9.e30.']) {
      const result = await call(`Bearer ${garbage}`);
      expect(result.status).toBe(401);
      expect(result.body['error']).toBe('invalid_token');
    }
  });
});

describe('createIdentityMiddleware options', () => {
  const base = {
    issuer: ISSUER,
    audience: AUDIENCE,
    jwks: { keys: [] },
    resourceMetadataUrl: RESOURCE_METADATA,
  };

  const storage = createMemoryStorage();
  afterAll(() => storage.close());

  it('refuses refreshProviders without an upstream client to refresh with, at creation', () => {
    expect(() => createIdentityMiddleware({ ...base, storage, refreshProviders: ['corp'] })).toThrow(
      new IdentityOptionsError('refreshProviders: no upstream client for corp'),
    );
    expect(() => createIdentityMiddleware({ ...base, storage, refreshProviders: [''] })).toThrow(
      new IdentityOptionsError('refreshProviders must be an array of provider names'),
    );
    expect(() => createIdentityMiddleware({ ...base, storage, refreshProviders: [''] })).toThrow(
      OptionsError,
    );
    expect(() =>
      createIdentityMiddleware({
        ...base,
        storage,
        upstreamClients: { corp: { refresh: () => Promise.reject(new Error('unused')) } },
        refreshProviders: ['corp'],
      }),
    ).not.toThrow();
  });

  it('looks upstream clients up as own entries: a provider named constructor has no client', async () => {
    // Regression: `upstreamClients['constructor']` found Object itself, so the creation check
    // passed and each refresh threw a TypeError, reported as a transient failure (503) forever.
    expect(() =>
      createIdentityMiddleware({ ...base, storage, upstreamClients: {}, refreshProviders: ['constructor'] }),
    ).toThrow(new IdentityOptionsError('refreshProviders: no upstream client for constructor'));
    const key = await createTestKey('ES256');
    const auth = createAuthenticator({
      ...base,
      jwks: { keys: [key.publicJwk] },
      storage,
      upstreamClients: {},
    });
    await storage.storeUpstreamTokens('session-constructor', 'constructor', {
      accessToken: 'old-access',
      tokenType: 'Bearer',
      refreshToken: 'old-refresh',
      expiresAt: Date.now() - 1_000,
      userId: 'user-1',
      upstreamSubject: 'alice',
      clientId: 'client-1',
    });
    const token = await mintAccessToken(key, { claims: { tsid: 'session-constructor' } });
    const result = await auth.authenticate(
      { authorization: `Bearer ${token}` },
      { refreshProviders: ['constructor'] },
    );
    if (!result.ok) throw new Error(result.rejection.reason.code);
    expect(result.identity.upstreams['constructor']).toMatchObject({
      status: 'expired',
      reason: 'no upstream client to refresh with',
    });
  });

  it('marks its handlers for start-up wiring checks', () => {
    const handler = createIdentityMiddleware({ ...base, storage });
    expect(isIdentityMiddleware(handler)).toBe(true);
    expect(isIdentityMiddleware(() => {})).toBe(false);
    expect(isIdentityMiddleware(undefined)).toBe(false);
  });
});

describe('one token per request, and the scope of the challenge (RFC 6750 §2, §3; MCP scope selection)', () => {
  let key: TestKey;
  let storage: Storage;
  let app: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    key = await createTestKey('ES256');
    storage = createMemoryStorage();
    app = await startApp(
      createIdentityMiddleware({
        issuer: ISSUER,
        audience: AUDIENCE,
        jwks: { keys: [key.publicJwk] },
        storage,
        resourceMetadataUrl: RESOURCE_METADATA,
        challengeScope: ['openid', 'offline_access'],
      }),
    );
  });
  afterAll(async () => {
    await app?.close();
    await storage?.close();
  });

  const call = async (query: string, authorization?: string) => {
    const response = await fetch(
      `${app.url}${query}`,
      authorization === undefined ? {} : { headers: { authorization } },
    );
    return {
      status: response.status,
      challenge: response.headers.get('www-authenticate'),
      body: (await response.json()) as Record<string, unknown>,
    };
  };

  it('names the scopes to request in every challenge of the route', async () => {
    const none = await call('');
    expect(none.status).toBe(401);
    expect(none.challenge).toBe(
      `Bearer scope="openid offline_access", resource_metadata="${RESOURCE_METADATA}"`,
    );
    const bad = await call('', 'Bearer a.b.c');
    expect(bad.status).toBe(401);
    expect(bad.challenge).toContain('error="invalid_token"');
    expect(bad.challenge).toContain('scope="openid offline_access"');
  });

  it('answers 400 invalid_request to a token in the header and in the query, or in the query alone', async () => {
    const token = await mintAccessToken(key);
    for (const [label, query, authorization] of [
      ['header + query', `?access_token=${token}`, `Bearer ${token}`],
      ['header + encoded query name', `?x=1&access%5Ftoken=${token}`, `Bearer ${token}`],
      ['query alone', `?access_token=${token}`, undefined],
    ] as const) {
      const result = await call(query, authorization);
      expect(result.status, label).toBe(400);
      expect(result.body['error'], label).toBe('invalid_request');
      expect(result.challenge, label).toContain('error="invalid_request"');
    }
    // An empty access_token is no token (RFC 6749 §3.1): the header's token is used.
    expect((await call('?access_token=&x=1', `Bearer ${token}`)).status).toBe(200);
  });

  it('refuses a challengeScope that is not a list of scope tokens, at creation', () => {
    for (const challengeScope of [['a b'], [''], 'openid', ['sc"pe']]) {
      expect(() =>
        createIdentityMiddleware({
          issuer: ISSUER,
          audience: AUDIENCE,
          jwks: { keys: [] },
          storage,
          resourceMetadataUrl: RESOURCE_METADATA,
          challengeScope: challengeScope as never,
        }),
      ).toThrow(IdentityOptionsError);
    }
  });
});
