import { OptionsError } from '@auth/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockIdp, startMockIdp } from './index.js';
import { pkcePair } from './test-support/pkce-pair.js';

const REDIRECT = 'http://127.0.0.1:9/cb';

describe('authorization request validation (oidc)', () => {
  let idp: MockIdp;
  const { challenge } = pkcePair();

  beforeAll(async () => {
    idp = await startMockIdp({ mode: 'oidc', clientId: 'gw', redirectUris: [REDIRECT], autoLogin: 'alice' });
  });
  afterAll(() => idp.close());

  function authorize(params: Record<string, string>, extra = '') {
    const query = new URLSearchParams({
      client_id: 'gw',
      redirect_uri: REDIRECT,
      response_type: 'code',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: 'st',
      ...params,
    });
    return fetch(`${idp.url}/authorize?${query}${extra}`, { redirect: 'manual' });
  }

  it.each([
    [{ client_id: 'someone' }, 'invalid_client'],
    [{ client_id: '' }, 'invalid_request'],
    [{ redirect_uri: 'http://127.0.0.1:9/other' }, 'invalid_request'],
    [{ redirect_uri: '' }, 'invalid_request'],
  ])('shows an error page, never a redirect, for %j', async (params, error) => {
    const res = await authorize(params);
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toContain(`<h1>${error}</h1>`);
  });

  it('shows an error page for a repeated redirect_uri', async () => {
    const res = await authorize({}, `&redirect_uri=${encodeURIComponent(REDIRECT)}`);
    expect(res.status).toBe(400);
  });

  it.each([
    [{ response_type: 'token' }, 'unsupported_response_type'],
    [{ code_challenge: '' }, 'invalid_request'],
    [{ code_challenge_method: 'plain' }, 'invalid_request'],
    [{ code_challenge: 'short' }, 'invalid_request'],
  ])('redirects %j with error, state and iss', async (params, error) => {
    const res = await authorize(params);
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '');
    expect(location.origin + location.pathname).toBe(REDIRECT);
    expect(location.searchParams.get('error')).toBe(error);
    expect(location.searchParams.get('state')).toBe('st');
    expect(location.searchParams.get('iss')).toBe(idp.issuer);
    expect(location.searchParams.has('code')).toBe(false);
  });

  it('answers login_required for prompt=none without a session, and shows the form for prompt=login', async () => {
    const noAuto = await startMockIdp({ mode: 'oidc', clientId: 'gw' });
    try {
      const base = `${noAuto.url}/authorize?client_id=gw&redirect_uri=${encodeURIComponent(REDIRECT)}&response_type=code&code_challenge=${challenge}&code_challenge_method=S256`;
      const none = await fetch(`${base}&prompt=none`, { redirect: 'manual' });
      expect(new URL(none.headers.get('location') ?? '').searchParams.get('error')).toBe('login_required');
      const form = await fetch(base, { redirect: 'manual' });
      expect(form.status).toBe(200);
      const html = await form.text();
      expect(html).toContain('<form method="post" action="/authorize">');
      expect(html).toContain('<input name="username"');
      const empty = await fetch(`${noAuto.url}/authorize`, {
        method: 'POST',
        body: new URLSearchParams({
          client_id: 'gw',
          redirect_uri: REDIRECT,
          response_type: 'code',
          code_challenge: challenge,
          code_challenge_method: 'S256',
          username: '   ',
        }),
        redirect: 'manual',
      });
      expect(empty.status).toBe(400);
      expect(await empty.text()).toContain('role="alert"');
    } finally {
      await noAuto.close();
    }
  });

  it('escapes request values in the login form', async () => {
    const noAuto = await startMockIdp({ mode: 'oidc', clientId: 'gw' });
    try {
      const res = await fetch(
        `${noAuto.url}/authorize?client_id=gw&redirect_uri=${encodeURIComponent(REDIRECT)}&response_type=code&code_challenge=${challenge}&code_challenge_method=S256&state=${encodeURIComponent('"><script>x</script>')}`,
      );
      const html = await res.text();
      expect(html).not.toContain('<script>');
      expect(html).toContain('value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
    } finally {
      await noAuto.close();
    }
  });
});

describe('token endpoint rules (oidc)', () => {
  let now = Date.parse('2026-01-01T00:00:00Z');
  let idp: MockIdp;

  beforeAll(async () => {
    idp = await startMockIdp({
      mode: 'oidc',
      clientId: 'gw',
      clientSecret: 'sec',
      autoLogin: 'alice',
      accessTokenTtlSeconds: 60,
      now: () => now,
    });
  });
  afterAll(() => idp.close());

  async function code(challenge: string, scope = 'openid') {
    const res = await fetch(
      `${idp.url}/authorize?client_id=gw&redirect_uri=${encodeURIComponent(REDIRECT)}&response_type=code&scope=${scope}&code_challenge=${challenge}&code_challenge_method=S256`,
      { redirect: 'manual' },
    );
    return new URL(res.headers.get('location') ?? '').searchParams.get('code') ?? '';
  }
  function token(body: Record<string, string>, headers: Record<string, string> = {}) {
    return fetch(`${idp.url}/token`, { method: 'POST', headers, body: new URLSearchParams(body) });
  }
  const basic = (id: string, secret: string) => ({
    authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
  });

  it('verifies PKCE, redirect_uri and client authentication', async () => {
    const { verifier, challenge } = pkcePair();
    const grant = { grant_type: 'authorization_code', redirect_uri: REDIRECT };
    const wrongVerifier = await token(
      { ...grant, code: await code(challenge), code_verifier: pkcePair().verifier },
      basic('gw', 'sec'),
    );
    expect(wrongVerifier.status).toBe(400);
    expect(await wrongVerifier.json()).toMatchObject({ error: 'invalid_grant' });

    const wrongSecret = await token(
      { ...grant, code: await code(challenge), code_verifier: verifier },
      basic('gw', 'nope'),
    );
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect(await wrongSecret.json()).toMatchObject({ error: 'invalid_client' });

    const noAuth = await token({ ...grant, code: await code(challenge), code_verifier: verifier });
    expect(noAuth.status).toBe(401);

    const twoMethods = await token(
      { ...grant, code: await code(challenge), code_verifier: verifier, client_secret: 'sec' },
      basic('gw', 'sec'),
    );
    expect(await twoMethods.json()).toMatchObject({ error: 'invalid_request' });

    const otherRedirect = await token(
      {
        ...grant,
        redirect_uri: 'http://127.0.0.1:9/x',
        code: await code(challenge),
        code_verifier: verifier,
      },
      basic('gw', 'sec'),
    );
    expect(await otherRedirect.json()).toMatchObject({ error: 'invalid_grant' });

    const unsupported = await token({ grant_type: 'password' }, basic('gw', 'sec'));
    expect(await unsupported.json()).toMatchObject({ error: 'unsupported_grant_type' });

    const ok = await token(
      { ...grant, code: await code(challenge), code_verifier: verifier },
      basic('gw', 'sec'),
    );
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toBe('no-store');
  });

  it('revokes what a code issued when the code is replayed (RFC 6749 §4.1.2)', async () => {
    const { verifier, challenge } = pkcePair();
    const body = {
      grant_type: 'authorization_code',
      redirect_uri: REDIRECT,
      code: await code(challenge),
      code_verifier: verifier,
    };
    const first = (await (await token(body, basic('gw', 'sec'))).json()) as Record<string, string>;
    const replay = await token(body, basic('gw', 'sec'));
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });
    const info = await fetch(`${idp.url}/userinfo`, {
      headers: { authorization: `Bearer ${first['access_token']}` },
    });
    expect(info.status).toBe(401);
  });

  it('expires access tokens and codes by the injected clock', async () => {
    const { verifier, challenge } = pkcePair();
    const body = {
      grant_type: 'authorization_code',
      redirect_uri: REDIRECT,
      code: await code(challenge),
      code_verifier: verifier,
    };
    const tokens = (await (await token(body, basic('gw', 'sec'))).json()) as Record<string, string>;
    const userinfo = () =>
      fetch(`${idp.url}/userinfo`, { headers: { authorization: `Bearer ${tokens['access_token']}` } });
    expect((await userinfo()).status).toBe(200);
    now += 61_000;
    expect((await userinfo()).status).toBe(401);

    const late = await code(challenge);
    now += 61_000;
    const expired = await token({ ...body, code: late }, basic('gw', 'sec'));
    expect(await expired.json()).toMatchObject({
      error: 'invalid_grant',
      error_description: 'authorization code expired',
    });
  });

  it('gives a code and a refresh token to exactly one of 20 concurrent callers', async () => {
    const { verifier, challenge } = pkcePair();
    const body = {
      grant_type: 'authorization_code',
      redirect_uri: REDIRECT,
      code: await code(challenge),
      code_verifier: verifier,
    };
    const exchanges = await Promise.all(Array.from({ length: 20 }, () => token(body, basic('gw', 'sec'))));
    expect(exchanges.map((r) => r.status).sort()).toEqual([200, ...Array(19).fill(400)]);
    // The 19 replays revoked what the winner got (RFC 6749 §4.1.2), so refresh from a clean code.
    const fresh = pkcePair();
    const single = await token(
      { ...body, code: await code(fresh.challenge), code_verifier: fresh.verifier },
      basic('gw', 'sec'),
    );
    const tokens = (await single.json()) as Record<string, string>;
    const refreshes = await Promise.all(
      Array.from({ length: 20 }, () =>
        token(
          { grant_type: 'refresh_token', refresh_token: tokens['refresh_token'] ?? '' },
          basic('gw', 'sec'),
        ),
      ),
    );
    expect(refreshes.filter((r) => r.status === 200)).toHaveLength(1);
  });

  it('issues no ID token without the openid scope', async () => {
    const { verifier, challenge } = pkcePair();
    const res = await token(
      {
        grant_type: 'authorization_code',
        redirect_uri: REDIRECT,
        code: await code(challenge, 'profile'),
        code_verifier: verifier,
      },
      basic('gw', 'sec'),
    );
    const body = (await res.json()) as Record<string, unknown>;
    expect(body['access_token']).toBeDefined();
    expect(body).not.toHaveProperty('id_token');
  });

  it('answers malformed bodies and unknown paths without crashing', async () => {
    const big = await fetch(`${idp.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a='.padEnd(100_000, 'x'),
    });
    expect(big.status).toBe(413);
    expect((await fetch(`${idp.url}/nowhere`)).status).toBe(404);
    const json = await fetch(`${idp.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"grant_type":"authorization_code"}',
    });
    expect(json.status).toBe(401);
  });
});

describe('issuer with a path', () => {
  it('serves every endpoint under the path and advertises them', async () => {
    const idp = await startMockIdp({
      mode: 'oidc',
      issuer: 'http://localhost:0/realms/corp',
      clientId: 'gw',
    });
    try {
      expect(idp.issuer).toBe(`http://localhost:${idp.port}/realms/corp`);
      expect(idp.url).toBe(`http://127.0.0.1:${idp.port}/realms/corp`);
      const meta = (await (await fetch(`${idp.url}/.well-known/openid-configuration`)).json()) as Record<
        string,
        string
      >;
      expect(meta['issuer']).toBe(idp.issuer);
      expect(meta['jwks_uri']).toBe(`${idp.issuer}/jwks`);
      expect((await fetch(`${idp.url}/jwks`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${idp.port}/jwks`)).status).toBe(404);
      expect((await fetch(`${idp.url}/_mock/requests`)).status).toBe(200);
    } finally {
      await idp.close();
    }
  });

  it.each([
    [{ issuer: 'http://127.0.0.1:0/' }, /trailing slash/],
    [{ issuer: 'http://127.0.0.1:0?x=1' }, /query or fragment/],
    [{ issuer: 'ftp://127.0.0.1:0' }, /http or https/],
    [{ clientId: '' }, /clientId/],
    [{ accessTokenTtlSeconds: 0 }, /accessTokenTtlSeconds/],
    [{ autoLogin: ' alice ' }, /autoLogin/],
    [{ title: '' }, /title/],
    [{ title: 'Corp\nSSO' }, /title/],
    [{ redirectUris: ['/relative'] }, /redirectUris\[0\]/],
    [{ port: 70_000 }, /port/],
  ])('rejects options %j with a typed error', async (bad, message) => {
    await expect(startMockIdp({ mode: 'oidc', clientId: 'gw', ...bad })).rejects.toMatchObject({
      name: 'MockIdpOptionsError',
      code: 'invalid_options',
      message: expect.stringMatching(message),
    });
  });

  it('rejects bad options with an OptionsError, the family every package uses', async () => {
    await expect(startMockIdp({ mode: 'oidc', clientId: '' })).rejects.toBeInstanceOf(OptionsError);
  });

  it('reports a busy port as listen_failed', async () => {
    const first = await startMockIdp({ mode: 'oidc', clientId: 'gw' });
    try {
      await expect(startMockIdp({ mode: 'oidc', clientId: 'gw', port: first.port })).rejects.toMatchObject({
        code: 'listen_failed',
      });
    } finally {
      await first.close();
    }
  });
});
