import { Browser, browse } from '@auth/test-kit';
import { decodeJwt, type JWTPayload } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type MockIdp, type RecordedLogin, startMockIdp } from './index.js';
import { pkcePair } from './test-support/pkce-pair.js';

const REDIRECT = 'http://127.0.0.1:9/cb';
const SECRET = 'fresh-sign-in-secret';
const basic = { authorization: `Basic ${Buffer.from(`gw:${SECRET}`).toString('base64')}` };
const seconds = (ms: number) => Math.floor(ms / 1000);

/**
 * OIDC Core §3.1.2.1 at the mock IdP: `prompt=login`, `max_age` and `auth_time`, with auto-login
 * (how tests and the demo run it), so the gateway's re-authentication can be tested against it.
 */
describe('fresh sign-in: prompt=login, max_age and a true auth_time (oidc)', () => {
  let now = Date.parse('2026-03-01T08:00:00Z');
  let idp: MockIdp;

  beforeAll(async () => {
    idp = await startMockIdp({
      mode: 'oidc',
      clientId: 'gw',
      clientSecret: SECRET,
      redirectUris: [REDIRECT],
      autoLogin: 'alice',
      now: () => now,
    });
  });
  afterAll(() => idp.close());
  beforeEach(() => {
    idp.clearFaults();
    idp.clearRequests();
  });

  /** One authorization through the browser (its cookies are the IdP session), then the code exchange. */
  async function signIn(browser: Browser, params: Record<string, string> = {}, username?: string) {
    idp.clearRequests();
    const { verifier, challenge } = pkcePair();
    const url = new URL(`${idp.url}/authorize`);
    url.search = new URLSearchParams({
      client_id: 'gw',
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: 'openid',
      state: 'st',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...params,
    }).toString();
    const ride = await browse(url, { browser, ...(username === undefined ? {} : { username }) });
    const logins = idp.requests().flatMap((r): RecordedLogin[] => (r.login === undefined ? [] : [r.login]));
    const callback = ride.final;
    const code = callback.searchParams.get('code');
    if (code === null) return { ride, logins, callback, claims: undefined, refreshToken: undefined };
    const response = await fetch(`${idp.url}/token`, {
      method: 'POST',
      headers: basic,
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT,
        code_verifier: verifier,
      }),
    });
    const body = (await response.json()) as { id_token: string; refresh_token: string };
    return { ride, logins, callback, claims: decodeJwt(body.id_token), refreshToken: body.refresh_token };
  }

  it('auto-login is a fresh authentication; the session it starts keeps that auth_time', async () => {
    const browser = new Browser();
    const first = await signIn(browser);
    expect(first.ride.pages).toEqual([]);
    expect(first.logins).toEqual([{ action: 'auto_login', username: 'alice', authTime: seconds(now) }]);
    expect(first.claims?.auth_time).toBe(seconds(now));
    const signedInAt = seconds(now);

    now += 600_000;
    const second = await signIn(browser);
    expect(second.logins).toEqual([{ action: 'session', username: 'alice', authTime: signedInAt }]);
    // The truth: the user authenticated ten minutes ago, not now.
    expect(second.claims?.auth_time).toBe(signedInAt);
    expect(second.claims?.iat).toBe(seconds(now));
  });

  it('prompt=login shows the login form although auto-login is on; the form sign-in updates auth_time', async () => {
    const browser = new Browser();
    const first = await signIn(browser);
    now += 120_000;
    const again = await signIn(browser, { prompt: 'login' }, 'bob');
    expect(again.ride.pages.map((p) => p.kind)).toEqual(['login']);
    expect(again.logins).toEqual([
      { action: 'form', reason: 'prompt_login' },
      { action: 'form_post', username: 'bob', authTime: seconds(now) },
    ]);
    expect(again.claims?.sub).toBe('bob');
    expect(again.claims?.auth_time).toBe(seconds(now));
    expect(again.claims?.auth_time).toBeGreaterThan(first.claims?.auth_time as number);

    // The new session remembers the new sign-in.
    const reauthenticatedAt = seconds(now);
    now += 30_000;
    const later = await signIn(browser);
    expect(later.logins).toEqual([{ action: 'session', username: 'bob', authTime: reauthenticatedAt }]);
  });

  it('max_age: a session older than it shows the form, a younger one answers; max_age=0 always asks', async () => {
    const browser = new Browser();
    await signIn(browser);
    const signedInAt = seconds(now);
    now += 600_000;

    const young = await signIn(browser, { max_age: '3600' });
    expect(young.logins).toEqual([{ action: 'session', username: 'alice', authTime: signedInAt }]);
    expect(young.claims?.auth_time).toBe(signedInAt);

    const tooOld = await signIn(browser, { max_age: '300' });
    expect(tooOld.ride.stopped).toBe(false);
    expect(tooOld.ride.status).toBe(200);
    expect(tooOld.logins).toEqual([{ action: 'form', reason: 'max_age' }]);

    const zero = await signIn(browser, { max_age: '0' }, 'alice');
    expect(zero.logins[0]).toEqual({ action: 'form', reason: 'max_age' });
    expect(zero.claims?.auth_time).toBe(seconds(now));

    now += 600_000;
    const silent = await signIn(browser, { prompt: 'none', max_age: '300' });
    expect(silent.callback.searchParams.get('error')).toBe('login_required');
    expect(silent.callback.searchParams.get('state')).toBe('st');
    expect(silent.logins).toEqual([{ action: 'login_required', reason: 'max_age' }]);
  });

  it.each(['-1', '1.5', 'soon', '12345678901'])(
    'max_age=%s is invalid_request, by redirect',
    async (max_age) => {
      const { callback } = await signIn(new Browser(), { max_age });
      expect(callback.origin + callback.pathname).toBe(REDIRECT);
      expect(callback.searchParams.get('error')).toBe('invalid_request');
      expect(callback.searchParams.get('state')).toBe('st');
    },
  );

  it('the ignore_prompt fault makes it disregard prompt=login and max_age: the old session answers', async () => {
    const browser = new Browser();
    await signIn(browser);
    const signedInAt = seconds(now);
    now += 600_000;
    idp.setFaults({ ignore_prompt: true });
    const login = await signIn(browser, { prompt: 'login' });
    expect(login.ride.pages).toEqual([]);
    expect(login.logins).toEqual([
      { action: 'session', reason: 'prompt_login', ignored: true, username: 'alice', authTime: signedInAt },
    ]);
    expect(login.claims?.auth_time).toBe(signedInAt);
    const maxAge = await signIn(browser, { max_age: '60' });
    expect(maxAge.claims?.auth_time).toBe(signedInAt);

    // Without a session, auto-login still signs in (freshly).
    const fresh = await signIn(new Browser(), { prompt: 'login' });
    expect(fresh.logins).toEqual([
      {
        action: 'auto_login',
        reason: 'prompt_login',
        ignored: true,
        username: 'alice',
        authTime: seconds(now),
      },
    ]);
    idp.clearFaults();
    const honoured = await signIn(browser, { prompt: 'login' });
    expect(honoured.logins).toEqual([{ action: 'form', reason: 'prompt_login' }]);
  });

  it('the no_auth_time ID-token fault leaves auth_time out, once', async () => {
    const browser = new Browser();
    idp.setFaults({ id_token: 'no_auth_time', once: true });
    const without = await signIn(browser);
    expect(without.claims).toBeDefined();
    expect(without.claims).not.toHaveProperty('auth_time');
    const withIt = await signIn(browser);
    expect(withIt.claims?.auth_time).toBe(seconds(now));
  });

  it('an ID token from a refresh grant keeps the original auth_time', async () => {
    const { claims, refreshToken } = await signIn(new Browser());
    const signedInAt = (claims as JWTPayload).auth_time;
    now += 900_000;
    const response = await fetch(`${idp.url}/token`, {
      method: 'POST',
      headers: basic,
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken ?? '' }),
    });
    const body = (await response.json()) as { id_token: string };
    const refreshed = decodeJwt(body.id_token);
    expect(refreshed.auth_time).toBe(signedInAt);
    expect(refreshed.iat).toBe(seconds(now));
  });

  it('advertises auth_time and the prompt values it honours', async () => {
    const metadata = (await (await fetch(`${idp.url}/.well-known/openid-configuration`)).json()) as Record<
      string,
      string[]
    >;
    expect(metadata['claims_supported']).toContain('auth_time');
    expect(metadata['prompt_values_supported']).toEqual(['none', 'login', 'select_account']);
  });
});

describe('fresh sign-in (oauth2 mode, GitHub-shaped)', () => {
  let idp: MockIdp;
  beforeAll(async () => {
    idp = await startMockIdp({
      mode: 'oauth2',
      clientId: 'gh',
      redirectUris: [REDIRECT],
      autoLogin: 'octocat',
    });
  });
  afterAll(() => idp.close());

  const authorize = (params: Record<string, string> = {}) => {
    const { challenge } = pkcePair();
    const url = new URL(`${idp.url}/login/oauth/authorize`);
    url.search = new URLSearchParams({
      client_id: 'gh',
      state: 'st',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...params,
    }).toString();
    return url;
  };
  const lastLogin = () => idp.requests().findLast((r) => r.login !== undefined)?.login;

  it('prompt=select_account (GitHub’s account picker) and prompt=login show the form despite auto-login', async () => {
    const browser = new Browser();
    const auto = await browse(authorize(), { browser });
    expect(auto.stopped).toBe(true);
    expect(lastLogin()?.action).toBe('auto_login');

    for (const [prompt, reason] of [
      ['select_account', 'prompt_select_account'],
      ['login', 'prompt_login'],
    ] as const) {
      const ride = await browse(authorize({ prompt }), { browser, username: 'hubot' });
      expect(
        ride.pages.map((p) => p.kind),
        prompt,
      ).toEqual(['login']);
      expect(ride.final.searchParams.get('code'), prompt).toBeTypeOf('string');
      const logins = idp.requests().flatMap((r) => (r.login === undefined ? [] : [r.login]));
      expect(logins.at(-2), prompt).toEqual({ action: 'form', reason });
      expect(logins.at(-1), prompt).toMatchObject({ action: 'form_post', username: 'hubot' });
    }
  });
});
