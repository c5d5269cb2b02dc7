import { decodeJwt, decodeProtectedHeader } from 'jose';
import * as client from 'openid-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type IdTokenFault, type MockIdp, startMockIdp } from './index.js';
import { authorizeOnce, oidcConfig, oidcLogin, TEST_REDIRECT } from './test-support/oidc-flow.js';

const SECRET = 'corp-secret';

/** The error a promise rejects with (fails the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string; cause?: unknown }> {
  try {
    await promise;
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}

/** openid-client reports a non-400 error status with the HTTP response as the cause. */
async function expectHttpFailure(promise: Promise<unknown>, status: number, error?: string): Promise<void> {
  const err = await rejection(promise);
  expect(err.code).toBe('OAUTH_RESPONSE_IS_NOT_CONFORM');
  const response = err.cause as Response;
  expect(response.status).toBe(status);
  if (error !== undefined) expect(((await response.json()) as { error: string }).error).toBe(error);
}

/** openid-client rejects an authorization response; the cause names the parameter. */
async function expectInvalidResponse(promise: Promise<unknown>, parameter: RegExp): Promise<void> {
  const err = await rejection(promise);
  expect(err.code).toBe('OAUTH_INVALID_RESPONSE');
  expect((err.cause as Error).message).toMatch(parameter);
}

async function postFaults(idp: MockIdp, body: unknown): Promise<Response> {
  return fetch(`${idp.url}/_mock/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('faults in oidc mode, observed by openid-client', () => {
  let idp: MockIdp;
  let config: client.Configuration;

  beforeAll(async () => {
    idp = await startMockIdp({ mode: 'oidc', clientId: 'gateway', clientSecret: SECRET, autoLogin: 'alice' });
    config = await oidcConfig(idp, SECRET);
  });
  afterEach(async () => {
    expect((await fetch(`${idp.url}/_mock/faults`, { method: 'DELETE' })).status).toBe(204);
  });
  afterAll(() => idp.close());

  it.each(['access_denied', 'temporarily_unavailable'])(
    'authorize_error %s reaches the client',
    async (error) => {
      expect((await postFaults(idp, { authorize_error: error })).status).toBe(200);
      const { callback, checks, state } = await authorizeOnce(config);
      expect(callback.searchParams.get('error')).toBe(error);
      expect(callback.searchParams.get('state')).toBe(state);
      expect(callback.searchParams.get('iss')).toBe(idp.issuer);
      expect(callback.searchParams.has('code')).toBe(false);
      await expect(client.authorizationCodeGrant(config, callback, checks)).rejects.toMatchObject({ error });
    },
  );

  it('response_iss wrong: the client rejects the mix-up (RFC 9207)', async () => {
    await postFaults(idp, { response_iss: 'wrong' });
    const { callback, checks } = await authorizeOnce(config);
    expect(callback.searchParams.get('iss')).toBe(`${idp.issuer}/wrong-issuer`);
    await expectInvalidResponse(client.authorizationCodeGrant(config, callback, checks), /"iss"/);
  });

  it('response_iss missing: the client rejects the response', async () => {
    await postFaults(idp, { response_iss: 'missing' });
    const { callback, checks } = await authorizeOnce(config);
    expect(callback.searchParams.has('iss')).toBe(false);
    expect(callback.searchParams.has('code')).toBe(true);
    await expectInvalidResponse(client.authorizationCodeGrant(config, callback, checks), /"iss"/);
  });

  it('response_state missing: the client rejects the response', async () => {
    await postFaults(idp, { response_state: 'missing' });
    const { callback, checks } = await authorizeOnce(config);
    expect(callback.searchParams.has('state')).toBe(false);
    await expectInvalidResponse(client.authorizationCodeGrant(config, callback, checks), /"state"/);
  });

  it('token_status and token_error: the token endpoint answers them', async () => {
    await postFaults(idp, { token_status: 503, token_error: 'temporarily_unavailable' });
    const { callback, checks } = await authorizeOnce(config);
    await expectHttpFailure(
      client.authorizationCodeGrant(config, callback, checks),
      503,
      'temporarily_unavailable',
    );
  });

  it('token_error alone answers 400 with that error', async () => {
    await postFaults(idp, { token_error: 'invalid_grant' });
    const { callback, checks } = await authorizeOnce(config);
    await expect(client.authorizationCodeGrant(config, callback, checks)).rejects.toMatchObject({
      status: 400,
      error: 'invalid_grant',
    });
  });

  it('token_delay_ms delays the token endpoint', async () => {
    await postFaults(idp, { token_delay_ms: 400 });
    const { callback, checks } = await authorizeOnce(config);
    const started = performance.now();
    const tokens = await client.authorizationCodeGrant(config, callback, checks);
    expect(performance.now() - started).toBeGreaterThanOrEqual(390);
    expect(tokens.access_token.startsWith(idp.tokenPrefix)).toBe(true);
    // A client with a shorter timeout gives up.
    const second = await authorizeOnce(config);
    const aborted = fetch(`${idp.url}/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: second.callback.searchParams.get('code') ?? '',
      }),
      signal: AbortSignal.timeout(100),
    });
    await expect(aborted).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  // [defect, what openid-client says, what the raw ID token shows]
  const defects: [IdTokenFault, RegExp, (idToken: string, nonce: string) => void][] = [
    [
      'bad_signature',
      /signature verification failed/,
      (t) => expect(decodeProtectedHeader(t).alg).toBe('ES256'),
    ],
    ['wrong_nonce', /"nonce"/, (t, nonce) => expect(decodeJwt(t).nonce).not.toBe(nonce)],
    ['wrong_audience', /"aud"/, (t) => expect(decodeJwt(t).aud).toBe('someone-else')],
    ['wrong_issuer', /"iss"/, (t) => expect(decodeJwt(t).iss).not.toBe(idp.issuer)],
    ['expired', /"exp"/, (t) => expect(decodeJwt(t).exp).toBeLessThan(Date.now() / 1000)],
    ['alg_none', /"alg"/, (t) => expect(decodeProtectedHeader(t).alg).toBe('none')],
  ];
  it.each(defects)('id_token %s: openid-client refuses the ID token', async (defect, says, shows) => {
    await postFaults(idp, { id_token: defect });
    const { callback, checks } = await authorizeOnce(config);
    const err = await rejection(client.authorizationCodeGrant(config, callback, checks));
    expect((err.cause as Error).message).toMatch(says);

    // The raw token endpoint answer carries exactly that defect.
    const raw = await authorizeOnce(config);
    const res = await fetch(`${idp.url}/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: raw.callback.searchParams.get('code') ?? '',
        redirect_uri: TEST_REDIRECT,
        code_verifier: raw.verifier,
        client_id: 'gateway',
        client_secret: SECRET,
      }),
    });
    const body = (await res.json()) as { id_token: string };
    shows(body.id_token, raw.nonce);
    expect(decodeJwt(body.id_token).sub).toBe('alice');
  });

  it('refresh_error: refresh grants fail with it, and the refresh token survives', async () => {
    const tokens = await oidcLogin(config);
    await postFaults(idp, { refresh_error: 'invalid_grant', once: true });
    await expect(client.refreshTokenGrant(config, tokens.refresh_token ?? '')).rejects.toMatchObject({
      error: 'invalid_grant',
      status: 400,
    });
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token ?? '');
    expect(refreshed.access_token.startsWith(idp.tokenPrefix)).toBe(true);
  });

  it.each([401, 503])('userinfo_status %i: userinfo answers it', async (status) => {
    const tokens = await oidcLogin(config);
    await postFaults(idp, { userinfo_status: status });
    const info = client.fetchUserInfo(config, tokens.access_token, 'alice');
    if (status === 401) {
      const err = (await rejection(info)) as Error & {
        status?: number;
        cause?: { parameters?: { error?: string } }[];
      };
      expect(err.status).toBe(401);
      expect(err.cause?.[0]?.parameters?.error).toBe('invalid_token');
    } else await expectHttpFailure(info, status);
  });

  it('a one-shot fault applies once; a lasting one until cleared', async () => {
    await postFaults(idp, { authorize_error: 'access_denied', once: true });
    expect((await authorizeOnce(config)).callback.searchParams.get('error')).toBe('access_denied');
    expect((await authorizeOnce(config)).callback.searchParams.has('code')).toBe(true);

    await postFaults(idp, { token_status: 500 });
    for (let i = 0; i < 2; i++) await expectHttpFailure(oidcLogin(config), 500, 'server_error');
    expect(await (await fetch(`${idp.url}/_mock/faults`)).json()).toEqual({
      token_status: { value: 500, once: false },
    });
    await fetch(`${idp.url}/_mock/faults`, { method: 'DELETE' });
    expect((await oidcLogin(config)).access_token.startsWith(idp.tokenPrefix)).toBe(true);
  });

  it('a token request applies the faults set when it arrived: a delayed one does not take a fault set during its delay', async () => {
    const tokenRequest = () =>
      fetch(`${idp.url}/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'authorization_code', code: 'unknown-code', client_id: 'x' }),
      });
    idp.setFaults({ token_delay_ms: 300, once: true });
    const delayed = tokenRequest();
    // Set while the first request sleeps: it belongs to the next request.
    await new Promise((resolve) => setTimeout(resolve, 100));
    idp.setFaults({ token_status: 502, token_error: 'temporarily_unavailable', once: true });
    expect((await delayed).status).not.toBe(502);
    const next = await tokenRequest();
    expect(next.status).toBe(502);
    expect(((await next.json()) as { error: string }).error).toBe('temporarily_unavailable');
  });

  it('one-shot token faults are spent by the request they apply to', async () => {
    idp.setFaults({ token_status: 502, token_error: 'temporarily_unavailable', once: true });
    await expectHttpFailure(oidcLogin(config), 502, 'temporarily_unavailable');
    expect((await oidcLogin(config)).access_token.startsWith(idp.tokenPrefix)).toBe(true);
    idp.setFaults({ id_token: 'wrong_nonce', once: true });
    const err = await rejection(oidcLogin(config));
    expect((err.cause as Error).message).toMatch(/"nonce"/);
    expect((await oidcLogin(config)).claims()?.sub).toBe('alice');
  });
});

describe('faults in oauth2 mode', () => {
  let idp: MockIdp;
  const redirect = 'http://127.0.0.1:9/cb';

  beforeAll(async () => {
    idp = await startMockIdp({
      mode: 'oauth2',
      clientId: 'gateway',
      clientSecret: SECRET,
      autoLogin: 'octocat',
    });
  });
  afterAll(() => idp.close());
  afterEach(() => idp.clearFaults());

  async function code(): Promise<URL> {
    const res = await fetch(
      `${idp.url}/login/oauth/authorize?client_id=gateway&redirect_uri=${encodeURIComponent(redirect)}&state=s`,
      { redirect: 'manual' },
    );
    return new URL(res.headers.get('location') ?? '');
  }
  function exchange(c: string) {
    return fetch(`${idp.url}/login/oauth/access_token`, {
      method: 'POST',
      headers: { accept: 'application/json' },
      body: new URLSearchParams({ client_id: 'gateway', client_secret: SECRET, code: c }),
    });
  }

  it('authorize_error arrives without iss; response_iss wrong adds a wrong one', async () => {
    idp.setFaults({ authorize_error: 'access_denied', once: true });
    const denied = await code();
    expect(denied.searchParams.get('error')).toBe('access_denied');
    expect(denied.searchParams.get('state')).toBe('s');
    expect(denied.searchParams.has('iss')).toBe(false);
    idp.setFaults({ response_iss: 'wrong', once: true });
    expect((await code()).searchParams.get('iss')).toBe(`${idp.issuer}/wrong-issuer`);
  });

  it('token_error alone answers status 200 with the error; token_status sets the status', async () => {
    idp.setFaults({ token_error: 'bad_verification_code', once: true });
    const first = await exchange((await code()).searchParams.get('code') ?? '');
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ error: 'bad_verification_code' });
    idp.setFaults({ token_status: 502, once: true });
    const second = await exchange((await code()).searchParams.get('code') ?? '');
    expect(second.status).toBe(502);
  });

  it('refresh_error is sent verbatim; userinfo_status applies to /user', async () => {
    const tokens = (await (await exchange((await code()).searchParams.get('code') ?? '')).json()) as Record<
      string,
      string
    >;
    idp.setFaults({ refresh_error: 'invalid_grant', userinfo_status: 503, once: true });
    const refreshed = await fetch(`${idp.url}/login/oauth/access_token`, {
      method: 'POST',
      headers: { accept: 'application/json' },
      body: new URLSearchParams({
        client_id: 'gateway',
        client_secret: SECRET,
        grant_type: 'refresh_token',
        refresh_token: tokens['refresh_token'] ?? '',
      }),
    });
    expect(refreshed.status).toBe(200);
    expect(await refreshed.json()).toMatchObject({ error: 'invalid_grant' });
    const user = () =>
      fetch(`${idp.url}/user`, { headers: { authorization: `token ${tokens['access_token']}` } });
    expect((await user()).status).toBe(503);
    expect((await user()).status).toBe(200);
  });
});

describe('close() during a token_delay_ms', () => {
  it('ends the pending request at once instead of waiting for the delay', async () => {
    const idp = await startMockIdp({ mode: 'oidc', clientId: 'gateway' });
    idp.setFaults({ token_delay_ms: 30_000 });
    const pending = fetch(`${idp.url}/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'x' }),
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(idp.requests().filter((r) => r.path === '/token')).toHaveLength(1);
    const started = performance.now();
    await idp.close();
    await expect(pending).rejects.toThrow();
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
