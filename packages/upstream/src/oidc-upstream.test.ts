import { authorizeLeg, freePort, type MockIdp, newLeg, startMockIdp } from '@auth/test-kit';
import { calculatePKCECodeChallenge } from 'openid-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createUpstreamClient } from './create-upstream-client.js';
import { failureCollector } from './test-support/failure-collector.js';
import { startHttpServer } from './test-support/http-server.js';
import { expectRefreshDeadline } from './test-support/refresh-deadline.js';
import type { UpstreamClient } from './upstream-client.js';
import type { UpstreamRuntime } from './upstream-client-options.js';

const CLIENT_ID = 'gateway';
const CLIENT_SECRET = 'corp-client-secret-value';
const TTL_SECONDS = 600;
const NOW = 1_800_000_000_000;

let idp: MockIdp;
const { logger, upstreamFailure, expectNothingLeaked } = failureCollector();

function client(
  runtime: UpstreamRuntime = {},
  secret: string | undefined = CLIENT_SECRET,
  issuer = idp.issuer,
): UpstreamClient {
  return createUpstreamClient(
    {
      name: 'corp',
      type: 'oidc',
      issuer,
      clientId: CLIENT_ID,
      ...(secret !== undefined && { clientSecret: secret }),
      scopes: ['openid', 'profile', 'email'],
    },
    { allowInsecureHttp: true, logger, now: () => NOW, timeoutMs: 3_000, ...runtime },
  );
}

beforeAll(async () => {
  idp = await startMockIdp({
    mode: 'oidc',
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    autoLogin: 'alice',
    accessTokenTtlSeconds: TTL_SECONDS,
  });
});
afterEach(() => idp.clearFaults());
afterAll(async () => {
  await idp?.close();
});

describe('oidc upstream: happy path', () => {
  it('sends PKCE S256, state, nonce and scope, then returns verified tokens and the ID token identity', async () => {
    const upstream = client();
    const leg = newLeg();
    const url = await upstream.authorizationUrl(leg);
    expect(url.origin + url.pathname).toBe(`${idp.issuer}/authorize`);
    expect(url.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('redirect_uri')).toBe(leg.redirectUri);
    expect(url.searchParams.get('scope')).toBe('openid profile email');
    expect(url.searchParams.get('state')).toBe(leg.state);
    expect(url.searchParams.get('nonce')).toBe(leg.nonce);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toBe(await calculatePKCECodeChallenge(leg.codeVerifier));

    const callback = await authorizeLeg(upstream, leg);
    expect(callback.searchParams.get('iss')).toBe(idp.issuer);
    const { tokens, identity } = await upstream.completeAuthorization(callback, leg);

    expect(identity).toEqual({ subject: 'alice', name: 'Alice', email: 'alice@example.com' });
    expect(tokens.accessToken.startsWith(idp.tokenPrefix)).toBe(true);
    expect(tokens.refreshToken?.startsWith(idp.tokenPrefix)).toBe(true);
    expect(tokens.idToken?.split('.')).toHaveLength(3);
    expect(tokens.tokenType).toBe('Bearer');
    expect(tokens.expiresAt).toBe(NOW + TTL_SECONDS * 1000);
    expect(tokens.scope).toBe('openid profile email');

    const tokenRequest = idp.requests().find((r) => r.path === '/token');
    expect(tokenRequest?.params['client_auth']).toBe('client_secret_basic');
  });

  it('adds openid to the scopes when the configuration left it out', async () => {
    const upstream = createUpstreamClient(
      {
        name: 'corp',
        type: 'oidc',
        issuer: idp.issuer,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        scopes: ['email'],
      },
      { allowInsecureHttp: true },
    );
    const url = await upstream.authorizationUrl(newLeg());
    expect(url.searchParams.get('scope')).toBe('openid email');
  });

  it('authenticates as a public client with none when no secret is set', async () => {
    const publicIdp = await startMockIdp({ mode: 'oidc', clientId: 'public-app', autoLogin: 'bob' });
    try {
      const upstream = createUpstreamClient(
        { name: 'pub', type: 'oidc', issuer: publicIdp.issuer, clientId: 'public-app', scopes: ['openid'] },
        { allowInsecureHttp: true },
      );
      const leg = newLeg('pub');
      const { identity } = await upstream.completeAuthorization(await authorizeLeg(upstream, leg), leg);
      expect(identity.subject).toBe('bob');
      expect(publicIdp.requests().find((r) => r.path === '/token')?.params['client_auth']).toBe('none');
    } finally {
      await publicIdp.close();
    }
  });

  it('discovers once, also under concurrent first calls, and reuses the result', async () => {
    idp.clearRequests();
    const upstream = client();
    // Concurrent first calls share one discovery, and later calls reuse it.
    await Promise.all([1, 2, 3].map(() => upstream.authorizationUrl(newLeg())));
    await upstream.authorizationUrl(newLeg());
    expect(idp.requests().filter((r) => r.path === '/.well-known/openid-configuration')).toHaveLength(1);
  });
  it('discover() fetches the discovery document once, and the first leg reuses it', async () => {
    idp.clearRequests();
    const upstream = client();
    await upstream.discover();
    await upstream.discover();
    await upstream.authorizationUrl(newLeg());
    expect(idp.requests().filter((r) => r.path === '/.well-known/openid-configuration')).toHaveLength(1);
  });

  it('caches the JWKS across logins of one client', async () => {
    const upstream = client();
    for (const _ of [1, 2, 3]) {
      const leg = newLeg();
      await upstream.completeAuthorization(await authorizeLeg(upstream, leg), leg);
    }
    idp.clearRequests();
    const leg = newLeg();
    await upstream.completeAuthorization(await authorizeLeg(upstream, leg), leg);
    expect(idp.requests().filter((r) => r.path === '/token')).toHaveLength(1);
    expect(idp.requests().filter((r) => r.path === '/jwks')).toHaveLength(0);
  });
});

describe('oidc upstream: re-authentication (OIDC Core §3.1.2.1)', () => {
  it('sends prompt=login and max_age only when the leg has them', async () => {
    const upstream = client();
    const plain = await upstream.authorizationUrl(newLeg());
    expect(plain.searchParams.has('prompt')).toBe(false);
    expect(plain.searchParams.has('max_age')).toBe(false);
    const url = await upstream.authorizationUrl({ ...newLeg(), prompt: 'login', maxAge: 300 });
    expect(url.searchParams.get('prompt')).toBe('login');
    expect(url.searchParams.get('max_age')).toBe('300');
    const zero = await upstream.authorizationUrl({ ...newLeg(), maxAge: 0 });
    expect(zero.searchParams.get('max_age')).toBe('0');
    expect(zero.searchParams.has('prompt')).toBe(false);
    // The mock IdP honours it: its login form, although it logs in automatically otherwise.
    const page = await fetch(url, { redirect: 'manual' });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<input name="username"');
  });

  it('returns the verified ID token’s auth_time in epoch ms, and none when the IdP sent none', async () => {
    const upstream = client();
    const before = Math.floor(Date.now() / 1000) * 1000;
    const leg = newLeg();
    const result = await upstream.completeAuthorization(await authorizeLeg(upstream, leg), leg);
    expect(result.authTime).toBeGreaterThanOrEqual(before);
    expect(result.authTime).toBeLessThanOrEqual(Date.now());
    expect((result.authTime as number) % 1000).toBe(0);

    idp.setFaults({ id_token: 'no_auth_time', once: true });
    const next = newLeg();
    const without = await upstream.completeAuthorization(await authorizeLeg(upstream, next), next);
    expect(without).not.toHaveProperty('authTime');
    expect(without.identity.subject).toBe('alice');
  });
});

describe('oidc upstream: refresh', () => {
  it('a refresh may take up to refreshTimeoutMs, longer than timeoutMs, which the client states', async () => {
    await expectRefreshDeadline(
      idp,
      client,
      async (upstream) => {
        const leg = newLeg();
        return upstream.completeAuthorization(await authorizeLeg(upstream, leg), leg);
      },
      upstreamFailure,
    );
  });

  it('returns the rotated refresh token, and the spent one is then refused as permanent', async () => {
    const upstream = client();
    const leg = newLeg();
    const { tokens } = await upstream.completeAuthorization(await authorizeLeg(upstream, leg), leg);
    const first = tokens.refreshToken!;

    const refreshed = await upstream.refresh(first);
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    expect(refreshed.refreshToken).toBeDefined();
    expect(refreshed.refreshToken).not.toBe(first);
    expect(refreshed.expiresAt).toBe(NOW + TTL_SECONDS * 1000);

    const reuse = await upstreamFailure(upstream.refresh(first));
    expect(reuse.code).toBe('ERR_UPSTREAM_OAUTH_ERROR');
    expect(reuse.oauthError).toBe('invalid_grant');
    expect(reuse.permanent).toBe(true);
  });

  it('refresh_error invalid_grant is permanent; a 503 is not', async () => {
    const upstream = client();
    const leg = newLeg();
    const { tokens } = await upstream.completeAuthorization(await authorizeLeg(upstream, leg), leg);

    idp.setFaults({ refresh_error: 'invalid_grant', once: true });
    const dead = await upstreamFailure(upstream.refresh(tokens.refreshToken!));
    expect(dead).toMatchObject({
      code: 'ERR_UPSTREAM_OAUTH_ERROR',
      oauthError: 'invalid_grant',
      status: 400,
    });
    expect(dead.permanent).toBe(true);

    idp.setFaults({ token_status: 503, once: true });
    const outage = await upstreamFailure(upstream.refresh('any-refresh-token'));
    expect(outage.status).toBe(503);
    expect(outage.category).toBe('unavailable');
    expect(outage.permanent).toBe(false);
  });
});

describe('oidc upstream: authorization response faults', () => {
  it.each([
    ['access_denied', 'denied'],
    ['temporarily_unavailable', 'unavailable'],
    ['invalid_scope', 'failed'],
  ] as const)('authorize_error %s → OAuth error, %s', async (authorizeError, category) => {
    const upstream = client();
    idp.setFaults({ authorize_error: authorizeError, once: true });
    const leg = newLeg();
    const error = await upstreamFailure(
      upstream.completeAuthorization(await authorizeLeg(upstream, leg), leg),
    );
    expect(error.code).toBe('ERR_UPSTREAM_OAUTH_ERROR');
    expect(error.oauthError).toBe(authorizeError);
    expect(error.category).toBe(category);
  });

  it.each(['wrong', 'missing'] as const)('response_iss %s → invalid response (RFC 9207)', async (fault) => {
    idp.clearRequests();
    const upstream = client();
    idp.setFaults({ response_iss: fault, once: true });
    const leg = newLeg();
    const error = await upstreamFailure(
      upstream.completeAuthorization(await authorizeLeg(upstream, leg), leg),
    );
    expect(error.code).toBe('ERR_UPSTREAM_INVALID_RESPONSE');
    expect(error.message).toMatch(/iss/);
    expect(error.category).toBe('failed');
    expect(idp.requests().filter((r) => r.path === '/token')).toHaveLength(0);
  });

  it('a missing state → invalid response, and the code is never exchanged', async () => {
    idp.clearRequests();
    const upstream = client();
    idp.setFaults({ response_state: 'missing', once: true });
    const leg = newLeg();
    const error = await upstreamFailure(
      upstream.completeAuthorization(await authorizeLeg(upstream, leg), leg),
    );
    expect(error.code).toBe('ERR_UPSTREAM_INVALID_RESPONSE');
    expect(error.message).toMatch(/no state/);
    expect(idp.requests().filter((r) => r.path === '/token')).toHaveLength(0);
  });

  it('a callback carrying another leg’s state → invalid response', async () => {
    const upstream = client();
    const leg = newLeg();
    const callback = await authorizeLeg(upstream, leg);
    const error = await upstreamFailure(
      upstream.completeAuthorization(callback, { ...leg, state: newLeg().state }),
    );
    expect(error.code).toBe('ERR_UPSTREAM_INVALID_RESPONSE');
    expect(error.message).toMatch(/state/);
  });
});

describe('oidc upstream: token endpoint faults', () => {
  it('token_status 500 → unavailable with the status', async () => {
    const upstream = client();
    idp.setFaults({ token_status: 500, once: true });
    const leg = newLeg();
    const error = await upstreamFailure(
      upstream.completeAuthorization(await authorizeLeg(upstream, leg), leg),
    );
    expect(error.status).toBe(500);
    expect(error.oauthError).toBe('server_error');
    expect(error.category).toBe('unavailable');
  });

  it('token_error invalid_grant → OAuth error with status 400, failed', async () => {
    const upstream = client();
    idp.setFaults({ token_error: 'invalid_grant', once: true });
    const leg = newLeg();
    const error = await upstreamFailure(
      upstream.completeAuthorization(await authorizeLeg(upstream, leg), leg),
    );
    expect(error).toMatchObject({
      code: 'ERR_UPSTREAM_OAUTH_ERROR',
      oauthError: 'invalid_grant',
      status: 400,
    });
    expect(error.category).toBe('failed');
  });

  it('a wrong client secret → invalid_client', async () => {
    const upstream = client({}, 'not-the-secret');
    const leg = newLeg();
    const error = await upstreamFailure(
      upstream.completeAuthorization(await authorizeLeg(upstream, leg), leg),
    );
    expect(error.code).toBe('ERR_UPSTREAM_OAUTH_ERROR');
    expect(error.oauthError).toBe('invalid_client');
    expect(error.status).toBe(401);
    expect(error.message).not.toContain('not-the-secret');
  });

  it('token_delay_ms past timeoutMs → timeout, unavailable, within the bound', async () => {
    const upstream = client({ timeoutMs: 1_000 });
    await upstream.authorizationUrl(newLeg()); // discovery outside the timed part
    idp.setFaults({ token_delay_ms: 5_000, once: true });
    const leg = newLeg();
    const callback = await authorizeLeg(upstream, leg);
    const started = performance.now();
    const error = await upstreamFailure(upstream.completeAuthorization(callback, leg));
    const elapsed = performance.now() - started;
    expect(error.code).toBe('ERR_UPSTREAM_TIMEOUT');
    expect(error.category).toBe('unavailable');
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(4_000);
  });
});

describe('oidc upstream: ID token defects', () => {
  it.each(['bad_signature', 'wrong_nonce', 'wrong_audience', 'wrong_issuer', 'expired', 'alg_none'] as const)(
    'id_token %s → invalid response',
    async (defect) => {
      const upstream = client();
      idp.setFaults({ id_token: defect, once: true });
      const leg = newLeg();
      const error = await upstreamFailure(
        upstream.completeAuthorization(await authorizeLeg(upstream, leg), leg),
      );
      expect(error.code).toBe('ERR_UPSTREAM_INVALID_RESPONSE');
      expect(error.category).toBe('failed');
    },
  );

  it('a bad signature on a refreshed ID token is refused too', async () => {
    const upstream = client();
    const leg = newLeg();
    const { tokens } = await upstream.completeAuthorization(await authorizeLeg(upstream, leg), leg);
    idp.setFaults({ id_token: 'bad_signature', once: true });
    const error = await upstreamFailure(upstream.refresh(tokens.refreshToken!));
    expect(error.code).toBe('ERR_UPSTREAM_INVALID_RESPONSE');
  });
});

describe('oidc upstream: an unreachable IdP', () => {
  it('fails with a network error, and retries discovery on the next call once the IdP is up', async () => {
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    const upstream = createUpstreamClient(
      {
        name: 'late',
        type: 'oidc',
        issuer,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        scopes: ['openid'],
      },
      { allowInsecureHttp: true, timeoutMs: 2_000 },
    );
    const error = await upstreamFailure(upstream.authorizationUrl(newLeg()));
    expect(error.code).toBe('ERR_UPSTREAM_NETWORK');
    expect(error.category).toBe('unavailable');
    const refreshError = await upstreamFailure(upstream.refresh('some-refresh-token'));
    expect(refreshError.code).toBe('ERR_UPSTREAM_NETWORK');

    const late = await startMockIdp({
      mode: 'oidc',
      port,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      autoLogin: 'carol',
    });
    try {
      const leg = newLeg('late');
      const { identity } = await upstream.completeAuthorization(await authorizeLeg(upstream, leg), leg);
      expect(identity.subject).toBe('carol');
    } finally {
      await late.close();
    }
  });
});

describe('oidc upstream: bad discovery', () => {
  it('a 404 discovery document → failed with its status, and it is retried on the next call', async () => {
    idp.clearRequests();
    const upstream = client({}, CLIENT_SECRET, `${idp.issuer}/tenant-x`);
    const error = await upstreamFailure(upstream.authorizationUrl(newLeg()));
    expect(error.status).toBe(404);
    expect(error.category).toBe('failed');
    await upstreamFailure(upstream.authorizationUrl(newLeg()));
    expect(idp.requests().filter((r) => r.path.endsWith('/.well-known/openid-configuration'))).toHaveLength(
      2,
    );
    const failed = await upstreamFailure(upstream.discover());
    expect(failed.status).toBe(404);
    expect(failed.category).toBe('failed');
  });

  it('a discovery document naming another issuer (mix-up) → invalid response', async () => {
    const impostor = await startHttpServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          issuer: idp.issuer,
          authorization_endpoint: `${idp.issuer}/authorize`,
          jwks_uri: `${idp.issuer}/jwks`,
        }),
      );
    });
    try {
      const upstream = client({}, CLIENT_SECRET, impostor.url);
      const error = await upstreamFailure(upstream.authorizationUrl(newLeg()));
      expect(error.code).toBe('ERR_UPSTREAM_INVALID_RESPONSE');
    } finally {
      await impostor.close();
    }
  });
});

describe('oidc upstream: secrets', () => {
  it('no error message, error serialization or log line carries a token, code or secret', () => {
    expectNothingLeaked([idp.tokenPrefix, CLIENT_SECRET, 'not-the-secret'], 16);
  });
});
