import { recordingLogger } from '@auth/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockIdp, startMockIdp } from './index.js';
import { MockIdpError } from './mock-idp-error.js';
import { authorizeOnce, oidcConfig, TEST_REDIRECT } from './test-support/oidc-flow.js';

const SECRET = 'very-secret-client-secret';

describe('/_mock/ test controls', () => {
  let idp: MockIdp;
  const logger = recordingLogger();

  beforeAll(async () => {
    idp = await startMockIdp({
      mode: 'oidc',
      clientId: 'gateway',
      clientSecret: SECRET,
      autoLogin: 'alice',
      logger,
    });
  });
  afterAll(() => idp.close());

  const post = (path: string, body: string, contentType = 'application/json') =>
    fetch(`${idp.url}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });

  async function fullFlow() {
    const config = await oidcConfig(idp, SECRET);
    const { callback, verifier } = await authorizeOnce(config);
    const code = callback.searchParams.get('code') ?? '';
    const basic = `Basic ${Buffer.from(`gateway:${SECRET}`).toString('base64')}`;
    const res = await fetch(`${idp.url}/token`, {
      method: 'POST',
      headers: { authorization: basic },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: TEST_REDIRECT,
        code_verifier: verifier,
      }),
    });
    const tokens = (await res.json()) as Record<string, string>;
    const refreshed = (await (
      await fetch(`${idp.url}/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: tokens['refresh_token'] ?? '',
          client_id: 'gateway',
          client_secret: SECRET,
        }),
      })
    ).json()) as Record<string, string>;
    await fetch(`${idp.url}/userinfo`, { headers: { authorization: `Bearer ${refreshed['access_token']}` } });
    return { code, verifier, tokens, refreshed };
  }

  it('logs requests as { method, path, params } with every secret removed', async () => {
    await fetch(`${idp.url}/_mock/requests`, { method: 'DELETE' });
    const { code, verifier, tokens, refreshed } = await fullFlow();
    const log = (await (await fetch(`${idp.url}/_mock/requests`)).json()) as {
      method: string;
      path: string;
      params: Record<string, string>;
    }[];
    expect(log.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /.well-known/openid-configuration',
      'GET /authorize',
      'POST /token',
      'POST /token',
      'GET /userinfo',
    ]);
    expect(log[1]?.params).toMatchObject({
      client_id: 'gateway',
      response_type: 'code',
      code_challenge_method: 'S256',
    });
    expect(log[2]?.params).toEqual({
      grant_type: 'authorization_code',
      redirect_uri: TEST_REDIRECT,
      client_auth: 'client_secret_basic',
    });
    expect(log[3]?.params).toEqual({
      grant_type: 'refresh_token',
      client_id: 'gateway',
      client_auth: 'client_secret_post',
    });
    const text = JSON.stringify(log);
    const issued = [tokens, refreshed].flatMap((set) => [
      set['access_token'],
      set['refresh_token'],
      set['id_token'],
    ]);
    const secrets = [SECRET, code, verifier, ...issued].map(String);
    expect(new Set(secrets).size).toBe(9);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(idp.requests()).toEqual(log);
    // The logger never saw them either.
    const logged = logger.lines.join('\n');
    for (const secret of secrets) expect(logged).not.toContain(secret);
  });

  it('POST /_mock/revoke invalidates every issued token', async () => {
    const { tokens, refreshed } = await fullFlow();
    const live = await fetch(`${idp.url}/userinfo`, {
      headers: { authorization: `Bearer ${refreshed['access_token']}` },
    });
    expect(live.status).toBe(200);
    expect((await post('/_mock/revoke', '')).status).toBe(204);
    for (const access of [tokens['access_token'], refreshed['access_token']]) {
      const res = await fetch(`${idp.url}/userinfo`, { headers: { authorization: `Bearer ${access}` } });
      expect(res.status).toBe(401);
    }
    const res = await fetch(`${idp.url}/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: refreshed['refresh_token'] ?? '',
        client_id: 'gateway',
        client_secret: SECRET,
      }),
    });
    expect(await res.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it.each([
    [{ authorize_eror: 'access_denied' }, /authorize_eror.*unknown field/],
    [{ token_status: '503' }, /token_status: must be an integer/],
    [{ token_delay_ms: 10_000_000 }, /token_delay_ms/],
    [{ id_token: 'bad_sig' }, /id_token: must be one of/],
    [{ response_iss: 'right' }, /response_iss/],
    [{ once: 'yes' }, /once: must be a boolean/],
    [[], /JSON object/],
    ['access_denied', /JSON object/],
  ])('rejects the faults body %j with 400', async (body, message) => {
    const res = await post('/_mock/faults', JSON.stringify(body));
    expect(res.status).toBe(400);
    const answer = (await res.json()) as { error: string; error_description: string };
    expect(answer.error).toBe('invalid_faults');
    expect(answer.error_description).toMatch(message);
    expect(await (await fetch(`${idp.url}/_mock/faults`)).json()).toEqual({});
  });

  it('rejects malformed JSON with 400, and the programmatic twin throws a typed error', async () => {
    const res = await post('/_mock/faults', '{"authorize_error":');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_request' });
    expect(() => idp.setFaults({ nope: 1 } as never)).toThrow(MockIdpError);
    let thrown: unknown;
    try {
      idp.setFaults({ userinfo_status: 99 });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toMatchObject({ name: 'MockIdpError', code: 'invalid_faults' });
  });

  it('merges faults set in several calls and clears them all', async () => {
    await post('/_mock/faults', JSON.stringify({ authorize_error: 'access_denied', once: true }));
    await post('/_mock/faults', JSON.stringify({ userinfo_status: 500 }));
    expect(await (await fetch(`${idp.url}/_mock/faults`)).json()).toEqual({
      authorize_error: { value: 'access_denied', once: true },
      userinfo_status: { value: 500, once: false },
    });
    idp.clearFaults();
    expect(await (await fetch(`${idp.url}/_mock/faults`)).json()).toEqual({});
  });
});
