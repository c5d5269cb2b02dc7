import { type MockIdp, startMockIdp } from '@auth/mock-idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browse, completeLogin } from './browse.js';
import { Browser } from './browser.js';

const REDIRECT = 'http://127.0.0.1:9/callback';

describe('browse and completeLogin at a real mock IdP', () => {
  let form: MockIdp;
  let auto: MockIdp;
  beforeAll(async () => {
    [form, auto] = await Promise.all([
      startMockIdp({ mode: 'oauth2', clientId: 'c', clientSecret: 's', redirectUris: [REDIRECT] }),
      startMockIdp({ mode: 'oauth2', clientId: 'c', clientSecret: 's', autoLogin: 'robot' }),
    ]);
  });
  afterAll(() => Promise.all([form.close(), auto.close()]));

  const authorizeUrl = (idp: MockIdp) =>
    `${idp.url}/login/oauth/authorize?client_id=c&state=st&redirect_uri=${encodeURIComponent(REDIRECT)}`;

  it('fills the login form, then stops at the redirect URI without fetching it', async () => {
    const browser = new Browser();
    const { callback, pages } = await completeLogin(browser, authorizeUrl(form), { username: 'ann' });
    expect(callback.origin + callback.pathname).toBe(REDIRECT);
    expect(callback.searchParams.get('state')).toBe('st');
    expect(pages.map((p) => p.kind)).toEqual(['login']);
    expect(browser.hops.map((h) => [h.method, h.status])).toEqual([
      ['GET', 200],
      ['POST', 303],
    ]);
    // The IdP session cookie came back: the same browser is not asked again.
    const again = await completeLogin(browser, authorizeUrl(form));
    expect(again.pages).toEqual([]);
  });

  it('without a username, the login form is where it stops', async () => {
    await expect(completeLogin(new Browser(), authorizeUrl(form))).rejects.toThrow(/login form showed/);
    const ride = await browse(authorizeUrl(form));
    expect(ride.stopped).toBe(false);
    expect(ride.status).toBe(200);
    expect(ride.body).toContain('name="username"');
  });

  it('loginAs signs in as that user even where the IdP would log in by itself', async () => {
    const origin = new URL(auto.url).origin;
    const ride = await browse(authorizeUrl(auto), { loginAs: { [origin]: 'ann' } });
    expect(ride.stopped).toBe(true);
    expect(ride.redirectStatus).toBe(303);
    const code = ride.final.searchParams.get('code');
    const grant = auto.requests().find((r) => r.method === 'POST' && r.params['username'] === 'ann');
    expect(code).toBeTypeOf('string');
    expect(grant).toBeDefined();
  });
});
