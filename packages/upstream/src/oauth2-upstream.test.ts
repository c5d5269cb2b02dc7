import { authorizeLeg, freePort, type MockIdp, newLeg, startMockIdp } from '@auth/test-kit';
import { calculatePKCECodeChallenge } from 'openid-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createUpstreamClient } from './create-upstream-client.js';
import { failureCollector } from './test-support/failure-collector.js';
import { startHttpServer } from './test-support/http-server.js';
import { expectRefreshDeadline } from './test-support/refresh-deadline.js';
import type { UpstreamClient } from './upstream-client.js';
import type { OAuth2UpstreamClientOptions, UpstreamRuntime } from './upstream-client-options.js';

const CLIENT_ID = 'gateway-gh';
const CLIENT_SECRET = 'github-client-secret-value';
const TTL_SECONDS = 28_800;
const NOW = 1_700_000_000_000;

let idp: MockIdp;
const { logger, upstreamFailure, expectNothingLeaked } = failureCollector();

function options(
  base: string,
  overrides: Partial<OAuth2UpstreamClientOptions> = {},
): OAuth2UpstreamClientOptions {
  return {
    name: 'github',
    type: 'oauth2',
    authorizationEndpoint: `${base}/login/oauth/authorize`,
    tokenEndpoint: `${base}/login/oauth/access_token`,
    userinfo: { endpoint: `${base}/user`, subjectField: 'id', nameField: 'login', emailField: 'email' },
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    scopes: ['repo', 'read:user'],
    ...overrides,
  };
}

function client(
  runtime: UpstreamRuntime = {},
  overrides: Partial<OAuth2UpstreamClientOptions> = {},
): UpstreamClient {
  return createUpstreamClient(options(idp.url, overrides), {
    allowInsecureHttp: true,
    logger,
    now: () => NOW,
    timeoutMs: 3_000,
    ...runtime,
  });
}

async function login(upstream: UpstreamClient) {
  const leg = newLeg('github');
  return upstream.completeAuthorization(await authorizeLeg(upstream, leg), leg);
}

beforeAll(async () => {
  idp = await startMockIdp({
    mode: 'oauth2',
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    autoLogin: 'octocat',
    accessTokenTtlSeconds: TTL_SECONDS,
  });
});
afterEach(() => idp.clearFaults());
afterAll(async () => {
  await idp?.close();
});

describe('oauth2 upstream: happy path', () => {
  it('builds the GitHub-shaped authorization URL with PKCE S256', async () => {
    const leg = newLeg('github');
    const url = await client().authorizationUrl(leg);
    expect(url.origin + url.pathname).toBe(`${idp.url}/login/oauth/authorize`);
    expect(url.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(url.searchParams.get('redirect_uri')).toBe(leg.redirectUri);
    expect(url.searchParams.get('scope')).toBe('repo read:user');
    expect(url.searchParams.get('state')).toBe(leg.state);
    expect(url.searchParams.get('code_challenge')).toBe(await calculatePKCECodeChallenge(leg.codeVerifier));
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.has('nonce')).toBe(false);
  });

  it('exchanges the code with Basic auth and reads identity from /user (numeric id → string)', async () => {
    idp.clearRequests();
    const { tokens, identity } = await login(client());
    expect(identity.subject).toMatch(/^[1-9][0-9]*$/);
    expect(identity).toMatchObject({ name: 'octocat', email: 'octocat@example.com' });
    expect(tokens.accessToken.startsWith(idp.tokenPrefix)).toBe(true);
    expect(tokens.tokenType).toBe('Bearer');
    expect(tokens.expiresAt).toBe(NOW + TTL_SECONDS * 1000);
    expect(tokens.refreshToken?.startsWith(idp.tokenPrefix)).toBe(true);
    expect(tokens.scope).toBe('repo read:user');
    expect(tokens.idToken).toBeUndefined();
    const tokenRequest = idp.requests().find((r) => r.path === '/login/oauth/access_token');
    expect(tokenRequest?.params['client_auth']).toBe('client_secret_basic');
    expect(idp.requests().filter((r) => r.path === '/user')).toHaveLength(1);
  });

  it('the same user gets the same subject on every login', async () => {
    const first = await login(client());
    const second = await login(client());
    expect(second.identity.subject).toBe(first.identity.subject);
  });

  it('a missing subject field → invalid response', async () => {
    const error = await upstreamFailure(
      login(client({}, { userinfo: { endpoint: `${idp.url}/user`, subjectField: 'no_such_field' } })),
    );
    expect(error.code).toBe('ERR_UPSTREAM_INVALID_RESPONSE');
    expect(error.message).toContain('no_such_field');
  });
});

describe('oauth2 upstream: re-authentication', () => {
  it('asks for GitHub’s account picker (prompt=select_account) when the leg wants a new sign-in', async () => {
    const upstream = client();
    const plain = await upstream.authorizationUrl(newLeg('github'));
    expect(plain.searchParams.has('prompt')).toBe(false);
    for (const extra of [
      { prompt: 'login' as const },
      { maxAge: 600 },
      { prompt: 'login' as const, maxAge: 0 },
    ]) {
      const url = await upstream.authorizationUrl({ ...newLeg('github'), ...extra });
      expect(url.searchParams.get('prompt')).toBe('select_account');
      // GitHub knows no max_age, and reports no authentication time to check it against.
      expect(url.searchParams.has('max_age')).toBe(false);
    }
  });

  it('sends prompt=login and max_age with reauthenticationPrompt: login', async () => {
    const upstream = client({}, { reauthenticationPrompt: 'login' });
    const url = await upstream.authorizationUrl({ ...newLeg('github'), prompt: 'login', maxAge: 120 });
    expect(url.searchParams.get('prompt')).toBe('login');
    expect(url.searchParams.get('max_age')).toBe('120');
    const maxAgeOnly = await upstream.authorizationUrl({ ...newLeg('github'), maxAge: 120 });
    expect(maxAgeOnly.searchParams.get('prompt')).toBe('login');
    const page = await fetch(url, { redirect: 'manual' });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<input name="username"');
  });

  it('reports no authentication time', async () => {
    const result = await login(client());
    expect(result).not.toHaveProperty('authTime');
  });
});

describe('oauth2 upstream: refresh', () => {
  it('a refresh may take up to refreshTimeoutMs, longer than timeoutMs, which the client states', async () => {
    await expectRefreshDeadline(idp, client, login, upstreamFailure);
  });

  it('returns the rotated refresh token; the spent one is refused (200-with-error) as permanent', async () => {
    const upstream = client();
    const { tokens } = await login(upstream);
    const refreshed = await upstream.refresh(tokens.refreshToken!);
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    expect(refreshed.refreshToken).not.toBe(tokens.refreshToken);
    expect(refreshed.expiresAt).toBe(NOW + TTL_SECONDS * 1000);

    const reuse = await upstreamFailure(upstream.refresh(tokens.refreshToken!));
    expect(reuse.code).toBe('ERR_UPSTREAM_OAUTH_ERROR');
    expect(reuse.status).toBe(200);
    expect(reuse.oauthError).toBe('bad_refresh_token');
    expect(reuse.permanent).toBe(true);
  });

  it('refresh_error invalid_grant → permanent', async () => {
    const upstream = client();
    const { tokens } = await login(upstream);
    idp.setFaults({ refresh_error: 'invalid_grant', once: true });
    const error = await upstreamFailure(upstream.refresh(tokens.refreshToken!));
    expect(error).toMatchObject({ code: 'ERR_UPSTREAM_OAUTH_ERROR', oauthError: 'invalid_grant' });
    expect(error.permanent).toBe(true);
  });

  it('keeps the old refresh token when the IdP does not rotate (RFC 6749 §6)', async () => {
    const server = await startHttpServer((_req, res, body) => {
      const params = new URLSearchParams(body);
      res.setHeader('content-type', 'application/x-www-form-urlencoded; charset=utf-8');
      res.end(
        params.get('refresh_token') === 'old-refresh'
          ? 'access_token=fresh-access&token_type=bearer&scope=repo%2Cgist&expires_in=60'
          : 'error=bad_refresh_token',
      );
    });
    try {
      const upstream = createUpstreamClient(options(server.url), { allowInsecureHttp: true, now: () => NOW });
      const tokens = await upstream.refresh('old-refresh');
      expect(tokens).toEqual({
        accessToken: 'fresh-access',
        tokenType: 'Bearer',
        refreshToken: 'old-refresh',
        expiresAt: NOW + 60_000,
        scope: 'repo gist',
      });
    } finally {
      await server.close();
    }
  });
});

describe('oauth2 upstream: faults', () => {
  it.each([
    ['access_denied', 'denied'],
    ['temporarily_unavailable', 'unavailable'],
  ] as const)('authorize_error %s → %s', async (authorizeError, category) => {
    idp.setFaults({ authorize_error: authorizeError, once: true });
    const error = await upstreamFailure(login(client()));
    expect(error.code).toBe('ERR_UPSTREAM_OAUTH_ERROR');
    expect(error.oauthError).toBe(authorizeError);
    expect(error.category).toBe(category);
  });

  it('a missing state → invalid response, no token request', async () => {
    idp.clearRequests();
    idp.setFaults({ response_state: 'missing', once: true });
    const error = await upstreamFailure(login(client()));
    expect(error.code).toBe('ERR_UPSTREAM_INVALID_RESPONSE');
    expect(idp.requests().filter((r) => r.path === '/login/oauth/access_token')).toHaveLength(0);
  });

  it('a state of another leg → invalid response', async () => {
    const upstream = client();
    const leg = newLeg('github');
    const callback = await authorizeLeg(upstream, leg);
    const error = await upstreamFailure(
      upstream.completeAuthorization(callback, { ...leg, state: 'x'.repeat(22) }),
    );
    expect(error.code).toBe('ERR_UPSTREAM_INVALID_RESPONSE');
  });

  it('a token error answered with HTTP 200 (GitHub) → OAuth error with status 200', async () => {
    idp.setFaults({ token_error: 'bad_verification_code', once: true });
    const error = await upstreamFailure(login(client()));
    expect(error).toMatchObject({
      code: 'ERR_UPSTREAM_OAUTH_ERROR',
      oauthError: 'bad_verification_code',
      status: 200,
    });
    expect(error.category).toBe('failed');
  });

  it('a wrong client secret → OAuth error, never echoing the secret', async () => {
    const error = await upstreamFailure(login(client({}, { clientSecret: 'wrong-secret-value' })));
    expect(error.code).toBe('ERR_UPSTREAM_OAUTH_ERROR');
    expect(error.oauthError).toBe('incorrect_client_credentials');
    expect(`${error.message}${JSON.stringify(error)}`).not.toContain('wrong-secret-value');
  });

  it('token 502 → unavailable', async () => {
    idp.setFaults({ token_status: 502, once: true });
    const error = await upstreamFailure(login(client()));
    expect(error.status).toBe(502);
    expect(error.category).toBe('unavailable');
  });

  it('token delay past timeoutMs → timeout', async () => {
    idp.setFaults({ token_delay_ms: 5_000, once: true });
    const started = performance.now();
    const error = await upstreamFailure(login(client({ timeoutMs: 800 })));
    expect(error.code).toBe('ERR_UPSTREAM_TIMEOUT');
    expect(error.category).toBe('unavailable');
    expect(performance.now() - started).toBeLessThan(4_000);
  });

  it('userinfo 500 → unexpected status, unavailable', async () => {
    idp.setFaults({ userinfo_status: 500, once: true });
    const error = await upstreamFailure(login(client()));
    expect(error).toMatchObject({ code: 'ERR_UPSTREAM_UNEXPECTED_STATUS', status: 500 });
    expect(error.category).toBe('unavailable');
  });

  it('userinfo 401 → unexpected status, failed', async () => {
    idp.setFaults({ userinfo_status: 401, once: true });
    const error = await upstreamFailure(login(client()));
    expect(error).toMatchObject({ code: 'ERR_UPSTREAM_UNEXPECTED_STATUS', status: 401 });
    expect(error.category).toBe('failed');
  });

  it('an unreachable IdP → network error', async () => {
    const port = await freePort();
    const upstream = createUpstreamClient(options(`http://127.0.0.1:${port}`), { allowInsecureHttp: true });
    const leg = newLeg('github');
    const callback = new URL(`${leg.redirectUri}?code=abc&state=${leg.state}`);
    const error = await upstreamFailure(upstream.completeAuthorization(callback, leg));
    expect(error.code).toBe('ERR_UPSTREAM_NETWORK');
    expect(error.category).toBe('unavailable');
    const refreshError = await upstreamFailure(upstream.refresh('r'));
    expect(refreshError.code).toBe('ERR_UPSTREAM_NETWORK');
  });
});

describe('oauth2 upstream: secrets', () => {
  it('no error or log line carries a token, code or secret', () => {
    expectNothingLeaked([idp.tokenPrefix, CLIENT_SECRET, 'wrong-secret-value'], 11);
  });
});
