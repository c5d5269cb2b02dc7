import { Browser, type ChainRun, login, type MockIdp, type RecordedLogin, runChain } from '@auth/test-kit';
import { decodeJwt } from 'jose';
import * as oauth from 'oauth4webapi';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectErrorRedirect, expectNoLeaks, registeredClient } from './test-support/flow.js';
import { type Harness, startHarness } from './test-support/gateway-harness.js';

const MINUTE = 60_000;
const seconds = (ms: number) => Math.floor(ms / 1000);

/** What the mock IdP did about the user's sign-in, per authorization request, since the last clear. */
const logins = (idp: MockIdp): RecordedLogin[] =>
  idp.requests().flatMap((r) => (r.login === undefined ? [] : [r.login]));
const clearRequests = (h: Harness) => {
  for (const idp of Object.values(h.idps)) idp.clearRequests();
};
/** The authorization request the chain sent the browser to at `idp`. */
const legUrl = (run: ChainRun, idp: MockIdp) => run.ride.hops.find((u) => u.href.startsWith(idp.url))!;
const idTokenClaims = (run: { tokens: oauth.TokenEndpointResponse }) =>
  oauth.getValidatedIdTokenClaims(run.tokens)!;

/**
 * OIDC Core §3.1.2.1 `prompt=login` and `max_age` through the chain, and a truthful `auth_time`
 * (docs/architecture.md#re-authentication), against real mock IdPs that log in
 * automatically (as tests and the demo run them) and show their form only when asked to.
 */
describe('re-authentication: prompt=login, max_age and auth_time', () => {
  let h: Harness;
  /** How far the corp IdP's clock runs behind: its sessions look that much older. */
  let corpLag = 0;
  beforeAll(async () => {
    h = await startHarness({
      upstreams: [
        { name: 'corp', mode: 'oidc', autoLogin: 'alice', now: () => Date.now() - corpLag },
        { name: 'github', mode: 'oauth2', autoLogin: 'alice' },
      ],
    });
  });
  afterEach(() => {
    corpLag = 0;
    for (const idp of Object.values(h.idps)) idp.clearFaults();
  });
  afterAll(async () => {
    await h.close();
  });
  const corp = () => h.idps['corp']!;
  const github = () => h.idps['github']!;

  /** A registered client and a browser that has consented and holds a session at both IdPs, signed in `ago` ms ago at corp. */
  async function signedIn(ago = 0) {
    const fc = await registeredClient(h);
    const browser = new Browser();
    corpLag = ago;
    const first = await login(fc, { scope: 'openid' }, { browser });
    corpLag = 0;
    expect(first.ride.pages.map((p) => p.kind)).toEqual(['consent']);
    expect(logins(corp()).at(-1)?.action).toBe('auto_login');
    clearRequests(h);
    return { fc, browser, first };
  }

  it('prompt=login: both IdPs show their login forms again (auto-login notwithstanding); auth_time is the new sign-in', async () => {
    const { fc, browser, first } = await signedIn();
    const before = Date.now();
    const again = await login(fc, { scope: 'openid', prompt: 'login' }, { browser, username: 'alice' });

    expect(again.ride.pages.map((p) => p.kind)).toEqual(['login', 'login']);
    expect(legUrl(again, corp()).searchParams.get('prompt')).toBe('login');
    // GitHub has no prompt=login: its account picker (the mock IdP's form) is the closest.
    expect(legUrl(again, github()).searchParams.get('prompt')).toBe('select_account');
    const corpLogins = logins(corp());
    expect(corpLogins).toEqual([
      { action: 'form', reason: 'prompt_login' },
      { action: 'form_post', username: 'alice', authTime: expect.any(Number) },
    ]);
    expect(logins(github())).toEqual([
      { action: 'form', reason: 'prompt_select_account' },
      { action: 'form_post', username: 'alice', authTime: expect.any(Number) },
    ]);

    const claims = idTokenClaims(again);
    expect(claims.auth_time).toBe(corpLogins[1]!.authTime);
    expect(claims.auth_time).toBeGreaterThanOrEqual(seconds(before));
    expect(claims.auth_time).toBeGreaterThanOrEqual(idTokenClaims(first).auth_time!);
    expect(claims.sub).toBe(idTokenClaims(first).sub);
  });

  it('auth_time tells the truth: a login the IdP session answers keeps the session’s sign-in time', async () => {
    const { fc, browser, first } = await signedIn(20 * MINUTE);
    const signedInAt = idTokenClaims(first).auth_time!;
    expect(signedInAt).toBeLessThanOrEqual(seconds(Date.now() - 20 * MINUTE));

    const later = await login(fc, { scope: 'openid' }, { browser });
    expect(later.ride.pages).toEqual([]);
    expect(logins(corp())).toEqual([{ action: 'session', username: 'alice', authTime: signedInAt }]);
    // Not the time of this login: the user last authenticated twenty minutes ago.
    expect(idTokenClaims(later).auth_time).toBe(signedInAt);
    expect(decodeJwt(later.tokens.access_token)['auth_time']).toBe(signedInAt);
  });

  it('max_age reaches every leg: a younger IdP session answers, an older one signs in again', async () => {
    const { fc, browser, first } = await signedIn(20 * MINUTE);
    const signedInAt = idTokenClaims(first).auth_time!;

    const young = await login(fc, { scope: 'openid', max_age: '3600' }, { browser, username: 'alice' });
    expect(legUrl(young, corp()).searchParams.get('max_age')).toBe('3600');
    expect(legUrl(young, corp()).searchParams.has('prompt')).toBe(false);
    // GitHub reports no authentication time, so any max_age asks for its account picker.
    expect(legUrl(young, github()).searchParams.get('prompt')).toBe('select_account');
    expect(logins(corp())).toEqual([{ action: 'session', username: 'alice', authTime: signedInAt }]);
    expect(young.ride.pages.map((p) => p.url.startsWith(github().url))).toEqual([true]);
    // With max_age the ID token carries auth_time (OIDC Core §2): the older of the two legs.
    expect(idTokenClaims(young).auth_time).toBe(signedInAt);

    clearRequests(h);
    const before = Date.now();
    const old = await login(fc, { scope: 'openid', max_age: '600' }, { browser, username: 'alice' });
    expect(logins(corp())).toEqual([
      { action: 'form', reason: 'max_age' },
      { action: 'form_post', username: 'alice', authTime: expect.any(Number) },
    ]);
    expect(idTokenClaims(old).auth_time).toBeGreaterThanOrEqual(seconds(before));

    // max_age=0 is prompt=login (OIDC Core §3.1.2.1).
    clearRequests(h);
    const zero = await login(fc, { scope: 'openid', max_age: '0' }, { browser, username: 'alice' });
    expect(legUrl(zero, corp()).searchParams.get('prompt')).toBe('login');
    expect(legUrl(zero, corp()).searchParams.get('max_age')).toBe('0');
    expect(zero.ride.pages.map((p) => p.kind)).toEqual(['login', 'login']);
  });

  it('an ID token without auth_time is fine when nothing was asked: auth_time is the leg’s completion', async () => {
    const fc = await registeredClient(h);
    corp().setFaults({ id_token: 'no_auth_time', once: true });
    const before = Date.now();
    const run = await login(fc, { scope: 'openid' });
    const after = Date.now();
    const authTime = idTokenClaims(run).auth_time!;
    expect(authTime).toBeGreaterThanOrEqual(seconds(before));
    expect(authTime).toBeLessThanOrEqual(seconds(after));
  });

  describe('an IdP that does not honour them fails the chain with login_required, state and iss', () => {
    const cases: Array<[string, Record<string, string>, 'ignore_prompt' | 'no_auth_time']> = [
      ['prompt=login answered by the old session', { prompt: 'login' }, 'ignore_prompt'],
      ['max_age answered by a session older than it', { max_age: '600' }, 'ignore_prompt'],
      ['prompt=login answered without auth_time', { prompt: 'login' }, 'no_auth_time'],
      ['max_age answered without auth_time', { max_age: '3600' }, 'no_auth_time'],
    ];
    for (const [label, params, fault] of cases) {
      it(label, async () => {
        const { fc, browser } = await signedIn(20 * MINUTE);
        corp().setFaults(fault === 'ignore_prompt' ? { ignore_prompt: true } : { id_token: 'no_auth_time' });
        const run = await runChain(fc, { scope: 'openid', ...params }, { browser, username: 'alice' });
        expectErrorRedirect(run, 'login_required', h.issuer);
        expect(run.callback.searchParams.get('error_description')).toBe(
          'an identity provider did not confirm a new sign-in',
        );
        // The chain stopped at corp: github was never visited.
        expect(github().requests()).toEqual([]);
        expect(
          h.logs.lines.some(
            (l) =>
              l.includes('"event":"chain.failed"') &&
              l.includes('"sent":"login_required"') &&
              l.includes('upstream \\"corp\\"'),
          ),
        ).toBe(true);
        expectNoLeaks(h, []);
      });
    }
  });
});
