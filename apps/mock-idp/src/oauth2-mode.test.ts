import { Browser, completeLogin } from '@auth/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockIdp, startMockIdp } from './index.js';
import { pkcePair } from './test-support/pkce-pair.js';

const REDIRECT = 'http://127.0.0.1:9/oauth/callback/github';
const SECRET = 'github-secret-value';

describe('oauth2 mode (GitHub-shaped) driven by fetch', () => {
  let idp: MockIdp;

  beforeAll(async () => {
    idp = await startMockIdp({
      mode: 'oauth2',
      clientId: 'gateway',
      clientSecret: SECRET,
      redirectUris: [REDIRECT],
    });
  });
  afterAll(() => idp.close());

  async function authorize(browser: Browser, username: string, extra: Record<string, string> = {}) {
    const url = new URL(`${idp.url}/login/oauth/authorize`);
    url.search = new URLSearchParams({
      client_id: 'gateway',
      redirect_uri: REDIRECT,
      scope: 'repo user',
      ...extra,
    }).toString();
    return (await completeLogin(browser, url, { username })).callback;
  }

  function exchange(body: Record<string, string>, accept?: string) {
    return fetch(`${idp.url}/login/oauth/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(accept ? { accept } : {}) },
      body: new URLSearchParams({ client_id: 'gateway', client_secret: SECRET, ...body }),
    });
  }

  async function login(username: string): Promise<Record<string, unknown>> {
    const callback = await authorize(new Browser(), username, { state: 's1' });
    const res = await exchange(
      { code: callback.searchParams.get('code') ?? '', redirect_uri: REDIRECT },
      'application/json',
    );
    return (await res.json()) as Record<string, unknown>;
  }

  it('redirects with code and state but no iss, and answers JSON when asked', async () => {
    const callback = await authorize(new Browser(), 'octocat', { state: 'xyz' });
    expect(callback.origin + callback.pathname).toBe(REDIRECT);
    expect(callback.searchParams.get('state')).toBe('xyz');
    expect(callback.searchParams.has('iss')).toBe(false);
    const code = callback.searchParams.get('code') ?? '';
    expect(code.startsWith(idp.tokenPrefix)).toBe(true);

    const res = await exchange({ code, redirect_uri: REDIRECT }, 'application/json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'bearer', scope: 'repo,user', expires_in: 3600 });
    expect(String(body['access_token']).startsWith(idp.tokenPrefix)).toBe(true);
    expect(String(body['refresh_token']).startsWith(idp.tokenPrefix)).toBe(true);
    expect(body).not.toHaveProperty('id_token');
  });

  it('answers form-encoded without Accept: application/json', async () => {
    const callback = await authorize(new Browser(), 'octocat');
    const res = await exchange({ code: callback.searchParams.get('code') ?? '' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-www-form-urlencoded/);
    const body = new URLSearchParams(await res.text());
    expect(body.get('access_token')?.startsWith(idp.tokenPrefix)).toBe(true);
    expect(body.get('token_type')).toBe('bearer');
    expect(body.get('scope')).toBe('repo,user');
  });

  it('reports errors with status 200 and an error field, as GitHub does', async () => {
    const callback = await authorize(new Browser(), 'octocat');
    const code = callback.searchParams.get('code') ?? '';
    const wrongSecret = await fetch(`${idp.url}/login/oauth/access_token`, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: 'gateway', client_secret: 'nope', code }),
    });
    expect(wrongSecret.status).toBe(200);
    expect(await wrongSecret.json()).toMatchObject({ error: 'incorrect_client_credentials' });

    const first = await exchange({ code }, 'application/json');
    expect(first.status).toBe(200);
    const replay = await exchange({ code }, 'application/json');
    expect(replay.status).toBe(200);
    const replayBody = (await replay.json()) as Record<string, unknown>;
    expect(replayBody['error']).toBe('bad_verification_code');
    expect(replayBody).not.toHaveProperty('access_token');

    const formError = await exchange({ code: 'garbage' });
    expect(formError.status).toBe(200);
    expect(new URLSearchParams(await formError.text()).get('error')).toBe('bad_verification_code');

    const mismatch = await exchange(
      {
        code: (await authorize(new Browser(), 'x')).searchParams.get('code') ?? '',
        redirect_uri: 'http://127.0.0.1:9/other',
      },
      'application/json',
    );
    expect(await mismatch.json()).toMatchObject({ error: 'redirect_uri_mismatch' });
  });

  it('serves /user with a numeric id stable per username, for live tokens only', async () => {
    const a = await login('octocat');
    const b = await login('octocat');
    const other = await login('hubot');
    const user = async (token: unknown, scheme = 'Bearer') =>
      fetch(`${idp.url}/user`, { headers: { authorization: `${scheme} ${String(token)}` } });

    const resA = await user(a['access_token']);
    expect(resA.status).toBe(200);
    const bodyA = (await resA.json()) as Record<string, unknown>;
    expect(bodyA).toMatchObject({ login: 'octocat', name: 'Octocat', email: 'octocat@example.com' });
    expect(Number.isInteger(bodyA['id'])).toBe(true);
    const bodyB = (await (await user(b['access_token'], 'token')).json()) as Record<string, unknown>;
    expect(bodyB['id']).toBe(bodyA['id']);
    const bodyOther = (await (await user(other['access_token'])).json()) as Record<string, unknown>;
    expect(bodyOther['login']).toBe('hubot');
    expect(bodyOther['id']).not.toBe(bodyA['id']);

    const dead = await user(`${idp.tokenPrefix}at_not-issued`);
    expect(dead.status).toBe(401);
    expect(await dead.json()).toMatchObject({ message: 'Bad credentials' });
    expect((await fetch(`${idp.url}/user`)).status).toBe(401);
  });

  it('rotates refresh tokens; the old one is then refused with status 200', async () => {
    const tokens = await login('octocat');
    const refresh = (token: unknown) =>
      exchange({ grant_type: 'refresh_token', refresh_token: String(token) }, 'application/json');
    const res = await refresh(tokens['refresh_token']);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body['access_token']).not.toBe(tokens['access_token']);
    expect(body['refresh_token']).not.toBe(tokens['refresh_token']);
    const replay = await refresh(tokens['refresh_token']);
    expect(replay.status).toBe(200);
    expect(await replay.json()).toMatchObject({ error: 'bad_refresh_token' });
    const user = await fetch(`${idp.url}/user`, {
      headers: { authorization: `Bearer ${String(body['access_token'])}` },
    });
    expect(user.status).toBe(200);
  });

  it('has no discovery and no OIDC endpoints', async () => {
    expect((await fetch(`${idp.url}/.well-known/openid-configuration`)).status).toBe(404);
    expect((await fetch(`${idp.url}/jwks`)).status).toBe(404);
    expect((await fetch(`${idp.url}/authorize`)).status).toBe(404);
  });

  it('falls back to the one registered redirect URI when none is sent', async () => {
    const url = new URL(`${idp.url}/login/oauth/authorize`);
    url.search = new URLSearchParams({ client_id: 'gateway', state: 'q' }).toString();
    const { callback } = await completeLogin(new Browser(), url, { username: 'octocat' });
    expect(callback.origin + callback.pathname).toBe(REDIRECT);
  });
});

describe('oauth2 mode with a public client', () => {
  it('requires PKCE S256 and verifies it; issues no refresh token when disabled', async () => {
    const idp = await startMockIdp({
      mode: 'oauth2',
      clientId: 'pub',
      autoLogin: 'octocat',
      refreshTokens: false,
    });
    try {
      const redirect = 'http://127.0.0.1:9/cb';
      const noPkce = (
        await completeLogin(
          new Browser(),
          `${idp.url}/login/oauth/authorize?client_id=pub&redirect_uri=${encodeURIComponent(redirect)}&state=st`,
        )
      ).callback;
      expect(noPkce.searchParams.get('error')).toBe('invalid_request');
      expect(noPkce.searchParams.get('state')).toBe('st');

      const { verifier, challenge } = pkcePair();
      const callback = (
        await completeLogin(
          new Browser(),
          `${idp.url}/login/oauth/authorize?client_id=pub&redirect_uri=${encodeURIComponent(redirect)}&code_challenge=${challenge}&code_challenge_method=S256`,
        )
      ).callback;
      const code = callback.searchParams.get('code') ?? '';
      const post = (body: Record<string, string>) =>
        fetch(`${idp.url}/login/oauth/access_token`, {
          method: 'POST',
          headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ client_id: 'pub', code, ...body }),
        });
      const wrong = await post({ code_verifier: pkcePair().verifier });
      expect(await wrong.json()).toMatchObject({ error: 'bad_verification_code' });

      const callback2 = (
        await completeLogin(
          new Browser(),
          `${idp.url}/login/oauth/authorize?client_id=pub&redirect_uri=${encodeURIComponent(redirect)}&code_challenge=${challenge}&code_challenge_method=S256`,
        )
      ).callback;
      const ok = await fetch(`${idp.url}/login/oauth/access_token`, {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_id: 'pub',
          code: callback2.searchParams.get('code') ?? '',
          code_verifier: verifier,
        }),
      });
      const body = (await ok.json()) as Record<string, unknown>;
      expect(String(body['access_token']).startsWith(idp.tokenPrefix)).toBe(true);
      expect(body).not.toHaveProperty('refresh_token');
    } finally {
      await idp.close();
    }
  });
});
