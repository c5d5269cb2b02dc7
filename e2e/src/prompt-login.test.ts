import type { RecordedLogin, RecordedRequest } from '@auth/mock-idp';
import {
  Browser,
  CLIENT_REDIRECT,
  clientAuth,
  type FlowClient,
  insecure,
  login,
  refresh,
  registerClient,
  runChain,
} from '@auth/test-kit';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopAll } from './support/process.js';
import { SecretsSeen } from './support/secrets.js';
import { type Stack, startStack, UPSTREAM_SECRETS } from './support/stack.js';

const seconds = (ms: number) => Math.floor(ms / 1000);

/**
 * Issue 10 "It must show": `prompt=login` makes the mock IdPs show their login forms again
 * (their request logs show it), with the gateway CLI and two mock IdP CLIs that log in
 * automatically (as the demo runs them), a browser-driven login, and the ID token's
 * `auth_time` checked (OIDC Core §3.1.2.1, docs/architecture.md#re-authentication).
 */
describe('prompt=login and max_age against spawned processes', () => {
  let stack: Stack;
  let fc: FlowClient;
  const secrets = new SecretsSeen();
  const browser = new Browser();
  /** The gateway ID token's auth_time after each step. */
  const authTimes: number[] = [];

  beforeAll(async () => {
    stack = await startStack({ autoLogin: 'alice', logLevel: 'debug' });
    for (const [name, value] of Object.entries(UPSTREAM_SECRETS)) secrets.add(name, value);
    fc = await registerClient(stack.issuer, { client_name: 'e2e prompt=login' });
  });
  afterAll(async () => {
    await stack?.stop();
    await stopAll();
  });

  /** The mock IdP's request log over HTTP (`GET /_mock/requests`), then emptied. */
  async function takeLog(idp: { url: string }): Promise<RecordedRequest[]> {
    const log = (await (await fetch(`${idp.url}/_mock/requests`)).json()) as RecordedRequest[];
    expect((await fetch(`${idp.url}/_mock/requests`, { method: 'DELETE' })).status).toBe(204);
    return log;
  }
  const authorizeRequests = (log: RecordedRequest[]) => log.filter((r) => r.path.endsWith('/authorize'));
  const logins = (log: RecordedRequest[]): RecordedLogin[] =>
    log.flatMap((r) => (r.login === undefined ? [] : [r.login]));
  const keep = (run: { callback: URL; tokens?: oauth.TokenEndpointResponse }) => {
    secrets.add('gateway code', run.callback.searchParams.get('code'));
    secrets.add('gateway access_token', run.tokens?.access_token);
    secrets.add('gateway refresh_token', run.tokens?.refresh_token);
    secrets.add('gateway id_token', run.tokens?.id_token);
  };

  it('a first login: consent, then both IdPs sign alice in automatically; auth_time is that sign-in', async () => {
    const run = await login(fc, { scope: 'openid offline_access' }, { browser });
    keep(run);
    expect(run.ride.pages.map((p) => p.kind)).toEqual(['consent']);
    const corp = logins(await takeLog(stack.corp));
    const github = logins(await takeLog(stack.github));
    expect(corp).toEqual([{ action: 'auto_login', username: 'alice', authTime: expect.any(Number) }]);
    expect(github).toEqual([{ action: 'auto_login', username: 'alice', authTime: expect.any(Number) }]);
    const authTime = oauth.getValidatedIdTokenClaims(run.tokens)!.auth_time!;
    expect(authTime).toBe(corp[0]!.authTime);
    authTimes.push(authTime);
  });

  it('prompt=login: both mock IdPs show their login forms again, the browser signs in, and auth_time is the new sign-in', async () => {
    const before = Date.now();
    const run = await login(
      fc,
      { scope: 'openid offline_access', prompt: 'login' },
      { browser, username: 'alice' },
    );
    keep(run);
    // Consent is remembered; each IdP's form is shown and answered.
    expect(run.ride.pages.map((p) => [p.kind, new URL(p.url).origin])).toEqual([
      ['login', new URL(stack.corp.url).origin],
      ['login', new URL(stack.github.url).origin],
    ]);

    const corpLog = await takeLog(stack.corp);
    const [corpLeg] = authorizeRequests(corpLog);
    expect(corpLeg).toMatchObject({ method: 'GET', params: { prompt: 'login' } });
    const corp = logins(corpLog);
    expect(corp).toEqual([
      { action: 'form', reason: 'prompt_login' },
      { action: 'form_post', username: 'alice', authTime: expect.any(Number) },
    ]);
    const githubLog = await takeLog(stack.github);
    // GitHub has no prompt=login: the gateway asks for its account picker (the mock's form).
    expect(authorizeRequests(githubLog)[0]).toMatchObject({
      method: 'GET',
      params: { prompt: 'select_account' },
    });
    expect(logins(githubLog)).toEqual([
      { action: 'form', reason: 'prompt_select_account' },
      { action: 'form_post', username: 'alice', authTime: expect.any(Number) },
    ]);

    const claims = oauth.getValidatedIdTokenClaims(run.tokens)!;
    expect(claims.auth_time).toBe(corp[1]!.authTime);
    expect(claims.auth_time).toBeGreaterThanOrEqual(seconds(before));
    expect(claims.auth_time).toBeGreaterThanOrEqual(authTimes[0]!);
    authTimes.push(claims.auth_time!);

    // A refreshed ID token keeps it: the user has not authenticated again.
    const refreshed = await oauth.processRefreshTokenResponse(
      fc.as,
      fc.client,
      await refresh(fc.as, fc.client, run.tokens.refresh_token!),
    );
    secrets.add('refreshed access_token', refreshed.access_token);
    secrets.add('rotated refresh_token', refreshed.refresh_token);
    expect(oauth.getValidatedIdTokenClaims(refreshed)?.auth_time).toBe(claims.auth_time);
  });

  it('max_age: the corp session is young enough and keeps its auth_time, which a strict client checks against max_age', async () => {
    const run = await runChain(fc, { scope: 'openid', max_age: '3600' }, { browser, username: 'alice' });
    secrets.add('gateway code', run.callback.searchParams.get('code'));
    // Only GitHub, which reports no authentication time, is asked to show its picker.
    expect(run.ride.pages.map((p) => new URL(p.url).origin)).toEqual([new URL(stack.github.url).origin]);
    const corpLog = await takeLog(stack.corp);
    expect(authorizeRequests(corpLog)[0]?.params).toMatchObject({ max_age: '3600' });
    expect(logins(corpLog)).toEqual([{ action: 'session', username: 'alice', authTime: authTimes[1] }]);
    await takeLog(stack.github);

    // oauth4webapi with maxAge requires auth_time and checks it (OIDC Core §3.1.3.7).
    const params = oauth.validateAuthResponse(fc.as, fc.client, run.callback, run.request.state);
    const tokens = await oauth.processAuthorizationCodeResponse(
      fc.as,
      fc.client,
      await oauth.authorizationCodeGrantRequest(
        fc.as,
        fc.client,
        clientAuth(fc.client),
        params,
        CLIENT_REDIRECT,
        run.request.verifier,
        insecure,
      ),
      { expectedNonce: run.request.nonce, maxAge: 3600, requireIdToken: true },
    );
    keep({ callback: run.callback, tokens });
    // The truth: alice last authenticated at corp at the prompt=login step, not now.
    expect(oauth.getValidatedIdTokenClaims(tokens)?.auth_time).toBe(authTimes[1]);
  });

  it('an IdP that does not confirm a new sign-in (no auth_time) fails the chain with login_required, state and iss', async () => {
    const fault = await fetch(`${stack.corp.url}/_mock/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id_token: 'no_auth_time', once: true }),
    });
    expect(fault.status).toBe(200);
    const run = await runChain(fc, { scope: 'openid', prompt: 'login' }, { browser, username: 'alice' });
    expect(run.callback.href.startsWith(CLIENT_REDIRECT)).toBe(true);
    expect(run.callback.searchParams.get('error')).toBe('login_required');
    expect(run.callback.searchParams.get('state')).toBe(run.request.state);
    expect(run.callback.searchParams.get('iss')).toBe(stack.issuer);
    expect(run.callback.searchParams.has('code')).toBe(false);
    expect(logins(await takeLog(stack.corp)).map((l) => l.action)).toEqual(['form', 'form_post']);
    // The chain ended at corp: GitHub was not visited.
    expect(await takeLog(stack.github)).toEqual([]);
  });

  it('prompt=none is login_required at once: no IdP is visited', async () => {
    const run = await runChain(fc, { scope: 'openid', prompt: 'none' }, { browser });
    expect(run.callback.searchParams.get('error')).toBe('login_required');
    expect(run.callback.searchParams.get('iss')).toBe(stack.issuer);
    expect(await takeLog(stack.corp)).toEqual([]);
    expect(await takeLog(stack.github)).toEqual([]);
  });

  it('no token, code or secret of this run appears in the gateway logs', async () => {
    expect(secrets.labels()).toEqual(
      expect.arrayContaining(['gateway access_token', 'gateway code', 'gateway id_token']),
    );
    const [gateway] = stack.gateways;
    expect(await gateway!.stop()).toBe(0);
    const output = stack.gatewayOutput();
    expect(output).toContain('"sent":"login_required"');
    secrets.expectAbsentFrom(output, 'the gateway output');
  });
});
