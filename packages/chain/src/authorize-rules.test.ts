import { Browser, browse, CLIENT_REDIRECT, CookieJar, parseForms, runChain } from '@auth/test-kit';
import { calculatePKCECodeChallenge, generateRandomCodeVerifier } from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registeredClient } from './test-support/flow.js';
import { type Harness, startHarness } from './test-support/gateway-harness.js';

const LOOPBACK = 'http://127.0.0.1:9000/cb';
const WEB = 'https://web.example.com/callback';

describe('/oauth/authorize rules', () => {
  let h: Harness;
  let challenge: string;
  beforeAll(async () => {
    h = await startHarness({
      upstreams: [
        { name: 'corp', mode: 'oidc' },
        { name: 'github', mode: 'oauth2' },
      ],
      clients: [
        {
          clientId: 'trusted-app',
          redirectUris: [LOOPBACK, 'https://app.example.com/cb?x=1'],
          trusted: true,
        },
        {
          clientId: 'web-app',
          clientName: 'Web <App> & "Co"',
          clientSecret: 'web-app-secret-value-123',
          redirectUris: [WEB],
          trusted: false,
          scopes: ['openid', 'profile'],
        },
      ],
    });
    challenge = await calculatePKCECodeChallenge(generateRandomCodeVerifier());
  });
  afterAll(async () => {
    await h.close();
  });

  const authorizeUrl = (params: Record<string, string | string[] | undefined>) => {
    const url = new URL(`${h.issuer}/oauth/authorize`);
    const defaults = {
      client_id: 'trusted-app',
      redirect_uri: LOOPBACK,
      response_type: 'code',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: 'st-123',
      scope: 'openid',
    };
    for (const [name, value] of Object.entries({ ...defaults, ...params })) {
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(name, item);
    }
    return url;
  };
  const get = (url: URL | string, cookie?: string) =>
    fetch(url, { redirect: 'manual', headers: cookie === undefined ? {} : { cookie } });
  const idpRequests = () => Object.values(h.idps).reduce((n, idp) => n + idp.requests().length, 0);
  /** The cookie header of a browser that approved web-app (https, not trusted) on the consent page. */
  const webAppApproval = async (): Promise<string> => {
    const browser = new Browser();
    const landing = await browser.navigate('GET', authorizeUrl({ client_id: 'web-app', redirect_uri: WEB }));
    if (!('html' in landing)) throw new Error('no consent page');
    const form = parseForms(landing).find((f) => 'csrf_token' in f.fields)!;
    await browser.submit(form, { decision: 'allow' }, (url) => url.origin !== new URL(h.issuer).origin);
    return browser.jar.header(h.issuer)!;
  };
  /** RFC 9700 §4.11.2: an unconsented https client learns of the error on a page, not by redirect. */
  const expectErrorPage = async (response: Response, error: string) => {
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain(`<code>${error}</code>`);
  };

  describe('rule 1: unknown client or unregistered redirect URI → an error page, never a redirect', () => {
    const pages: Array<[string, Record<string, string | string[] | undefined>]> = [
      ['unknown client_id', { client_id: 'nobody' }],
      ['missing client_id', { client_id: undefined }],
      ['repeated client_id', { client_id: ['trusted-app', 'trusted-app'] }],
      ['missing redirect_uri', { redirect_uri: undefined }],
      ['repeated redirect_uri', { redirect_uri: [LOOPBACK, LOOPBACK] }],
      ['foreign redirect_uri', { redirect_uri: 'https://evil.example/cb' }],
      ['other path', { redirect_uri: 'http://127.0.0.1:9000/cb2' }],
      ['extra path segment', { redirect_uri: 'http://127.0.0.1:9000/cb/x' }],
      ['trailing slash', { redirect_uri: 'http://127.0.0.1:9000/cb/' }],
      ['added query', { redirect_uri: 'http://127.0.0.1:9000/cb?next=evil' }],
      ['fragment', { redirect_uri: 'http://127.0.0.1:9000/cb#frag' }],
      ['other loopback host', { redirect_uri: 'http://localhost:9000/cb' }],
      ['https instead of http', { redirect_uri: 'https://127.0.0.1:9000/cb' }],
      ['userinfo trick', { redirect_uri: 'http://127.0.0.1:9000@evil.example/cb' }],
      ['non-loopback port change', { redirect_uri: 'https://app.example.com:8443/cb?x=1' }],
      ['query dropped', { redirect_uri: 'https://app.example.com/cb' }],
      ['redirect of another client', { redirect_uri: WEB }],
    ];
    for (const [label, params] of pages) {
      it(label, async () => {
        const before = idpRequests();
        const response = await get(authorizeUrl({ ...params, response_type: 'token' }));
        expect(response.status).toBe(400);
        expect(response.headers.get('location')).toBeNull();
        expect(response.headers.get('content-type')).toMatch(/^text\/html/);
        expect(await response.text()).toContain('Authorization error');
        expect(idpRequests()).toBe(before);
      });
    }
  });

  it('matches a loopback redirect URI on any port (RFC 8252 §7.3)', async () => {
    for (const port of ['54321', '1', '65535']) {
      const redirect = `http://127.0.0.1:${port}/cb`;
      const response = await get(authorizeUrl({ redirect_uri: redirect, response_type: 'token' }));
      expect(response.status).toBe(302);
      const location = new URL(response.headers.get('location')!);
      expect(`${location.origin}${location.pathname}`).toBe(redirect);
      expect(location.searchParams.get('error')).toBe('unsupported_response_type');
    }
    const ok = await get(authorizeUrl({ redirect_uri: 'http://127.0.0.1:40000/cb' }));
    expect(ok.status).toBe(302);
    expect(ok.headers.get('location')!.startsWith(h.idps['corp']!.url)).toBe(true);
  });

  describe('rule 2: errors by redirect with error, error_description, state and iss', () => {
    const errors: Array<[string, Record<string, string | string[] | undefined>, string]> = [
      ['missing response_type', { response_type: undefined }, 'invalid_request'],
      ['response_type token', { response_type: 'token' }, 'unsupported_response_type'],
      ['response_type code id_token', { response_type: 'code id_token' }, 'unsupported_response_type'],
      ['missing PKCE', { code_challenge: undefined, code_challenge_method: undefined }, 'invalid_request'],
      ['PKCE plain', { code_challenge_method: 'plain' }, 'invalid_request'],
      ['PKCE without method', { code_challenge_method: undefined }, 'invalid_request'],
      ['PKCE method without challenge', { code_challenge: undefined }, 'invalid_request'],
      ['malformed code_challenge', { code_challenge: 'short' }, 'invalid_request'],
      ['unknown scope', { scope: 'openid admin' }, 'invalid_scope'],
      ['unknown resource', { resource: 'https://evil.example/mcp' }, 'invalid_target'],
      ['resource of another issuer path', { resource: 'http://127.0.0.1:1/mcp/corp' }, 'invalid_target'],
      ['repeated scope', { scope: ['openid', 'openid'] }, 'invalid_request'],
      ['repeated response_type', { response_type: ['code', 'code'] }, 'invalid_request'],
    ];
    for (const [label, params, error] of errors) {
      it(`${label} → ${error}, before any upstream is visited`, async () => {
        const before = idpRequests();
        const response = await get(authorizeUrl(params));
        expect(response.status).toBe(302);
        const location = new URL(response.headers.get('location')!);
        expect(`${location.origin}${location.pathname}`).toBe(LOOPBACK);
        expect(location.searchParams.get('error')).toBe(error);
        expect(location.searchParams.get('error_description')).toBeTruthy();
        expect(location.searchParams.get('state')).toBe('st-123');
        expect(location.searchParams.get('iss')).toBe(h.issuer);
        expect(idpRequests()).toBe(before);
      });
    }

    it('refuses a scope the client may not request', async () => {
      const url = authorizeUrl({
        client_id: 'web-app',
        redirect_uri: WEB,
        scope: 'openid email',
        state: 's',
      });
      await expectErrorPage(await get(url), 'invalid_scope');
      const response = await get(url, await webAppApproval());
      const location = new URL(response.headers.get('location')!);
      expect(location.searchParams.get('error')).toBe('invalid_scope');
      expect(location.searchParams.get('state')).toBe('s');
    });

    it('keeps the query of a registered redirect URI', async () => {
      const response = await get(
        authorizeUrl({ redirect_uri: 'https://app.example.com/cb?x=1', response_type: 'token' }),
      );
      const location = new URL(response.headers.get('location')!);
      expect(location.searchParams.get('x')).toBe('1');
      expect(location.searchParams.get('error')).toBe('unsupported_response_type');
    });

    it('drops a repeated state rather than echoing one of them', async () => {
      const response = await get(authorizeUrl({ state: ['a', 'b'] }));
      const location = new URL(response.headers.get('location')!);
      expect(location.searchParams.get('error')).toBe('invalid_request');
      expect(location.searchParams.get('state')).toBeNull();
      expect(location.searchParams.get('iss')).toBe(h.issuer);
    });

    it('accepts a configured resource', async () => {
      const response = await get(authorizeUrl({ resource: h.resource('/mcp/corp') }));
      expect(response.headers.get('location')!.startsWith(h.idps['corp']!.url)).toBe(true);
    });
  });

  describe('request / request_uri (OIDC Core §6, RFC 9101): not supported, said by redirect', () => {
    const requestObject = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"scope":"openid"}').toString('base64url')}.`;
    const cases: Array<[string, Record<string, string | string[] | undefined>, string]> = [
      ['request', { request: requestObject }, 'request_not_supported'],
      [
        'request alone (parameters only inside)',
        { request: requestObject, response_type: undefined },
        'request_not_supported',
      ],
      ['request_uri', { request_uri: 'https://app.example.com/request.jwt' }, 'request_uri_not_supported'],
      [
        'request_uri (PAR form)',
        { request_uri: 'urn:ietf:params:oauth:request_uri:abc' },
        'request_uri_not_supported',
      ],
      ['both', { request: requestObject, request_uri: 'https://app.example.com/r' }, 'request_not_supported'],
      [
        'a consent client',
        { client_id: 'web-app', redirect_uri: WEB, request: requestObject },
        'request_not_supported',
      ],
    ];
    for (const [label, params, error] of cases) {
      it(`${label} → ${error}, no consent, no upstream`, async () => {
        const consentClient = params['client_id'] === 'web-app';
        const cookie = consentClient ? await webAppApproval() : undefined;
        if (consentClient) await expectErrorPage(await get(authorizeUrl(params)), error);
        const before = idpRequests();
        const response = await get(authorizeUrl(params), cookie);
        expect(response.status).toBe(302);
        const location = new URL(response.headers.get('location')!);
        expect(`${location.origin}${location.pathname}`).toBe(params['redirect_uri'] ?? LOOPBACK);
        expect(location.searchParams.get('error')).toBe(error);
        expect(location.searchParams.get('error_description')).toBeTruthy();
        expect(location.searchParams.get('state')).toBe('st-123');
        expect(location.searchParams.get('iss')).toBe(h.issuer);
        expect(idpRequests()).toBe(before);
      });
    }

    it('an unknown client with a request object still gets a page, never a redirect', async () => {
      const response = await get(authorizeUrl({ client_id: 'nobody', request: requestObject }));
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
    });
  });

  describe('prompt=none (OIDC Core §3.1.2.1): the chain always needs the user, so login_required', () => {
    const expectRedirectError = async (
      params: Record<string, string | string[] | undefined>,
      error: string,
      redirect = LOOPBACK,
      cookie?: string,
    ) => {
      const before = idpRequests();
      const response = await get(authorizeUrl(params), cookie);
      expect(response.status).toBe(302);
      const location = new URL(response.headers.get('location')!);
      expect(`${location.origin}${location.pathname}`).toBe(redirect);
      expect(location.searchParams.get('error')).toBe(error);
      expect(location.searchParams.get('error_description')).toBeTruthy();
      expect(location.searchParams.get('state')).toBe(params['state'] ?? 'st-123');
      expect(location.searchParams.get('iss')).toBe(h.issuer);
      expect(location.searchParams.get('code')).toBeNull();
      expect(idpRequests()).toBe(before);
    };

    it('a trusted client gets login_required by redirect, no upstream visited', async () => {
      await expectRedirectError({ prompt: 'none' }, 'login_required');
    });

    it('a client that needs consent gets login_required, not the consent page', async () => {
      const params = { client_id: 'web-app', redirect_uri: WEB, prompt: 'none', state: 'web-state' };
      await expectErrorPage(await get(authorizeUrl(params)), 'login_required');
      await expectRedirectError(params, 'login_required', WEB, await webAppApproval());
    });

    it('remembered consent does not help: the upstreams still need the user', async () => {
      const fc = await registeredClient(h);
      const browser = new Browser();
      const first = await runChain(fc, { scope: 'openid' }, { browser });
      expect(first.callback.searchParams.get('code')).toBeTypeOf('string');
      const before = idpRequests();
      const silent = await runChain(fc, { scope: 'openid', prompt: 'none' }, { browser });
      expect(silent.ride.consentShown).toBe(false);
      expect(silent.callback.searchParams.get('error')).toBe('login_required');
      expect(silent.callback.searchParams.get('state')).toBe(silent.request.state);
      expect(silent.callback.searchParams.get('iss')).toBe(h.issuer);
      expect(idpRequests()).toBe(before);
    });

    it('none combined with another value → invalid_request', async () => {
      await expectRedirectError({ prompt: 'none consent' }, 'invalid_request');
      await expectRedirectError({ prompt: 'login none' }, 'invalid_request');
    });

    it('a repeated prompt → invalid_request', async () => {
      await expectRedirectError({ prompt: ['none', 'none'] }, 'invalid_request');
    });

    it('an unknown client is still a page, never a redirect', async () => {
      const response = await get(authorizeUrl({ client_id: 'nobody', prompt: 'none' }));
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
    });

    it('a malformed or repeated max_age (OIDC Core §3.1.2.1) → invalid_request, no upstream visited', async () => {
      for (const max_age of ['-1', '1.5', 'soon', '12345678901']) {
        await expectRedirectError({ max_age }, 'invalid_request');
      }
      await expectRedirectError({ max_age: ['60', '60'] }, 'invalid_request');
    });

    it('unknown prompt values are ignored; login and select_account start the chain', async () => {
      for (const prompt of ['bogus', 'login', 'select_account', 'login bogus']) {
        const response = await get(authorizeUrl({ prompt }));
        expect(response.status, prompt).toBe(302);
        expect(response.headers.get('location')!.startsWith(h.idps['corp']!.url), prompt).toBe(true);
      }
    });
  });

  describe('rule 3: consent', () => {
    it('names the client, the redirect host, the scopes and the upstreams in order, escaped', async () => {
      const response = await get(
        authorizeUrl({ client_id: 'web-app', redirect_uri: WEB, scope: 'openid profile' }),
      );
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(html).toContain('<bdi>Web &lt;App&gt; &amp; &quot;Co&quot;</bdi>');
      expect(html.split('<bdi>').length - 1).toBe(html.split('Web &lt;App&gt;').length - 1);
      expect(html).not.toContain('<App>');
      expect(html).toContain('web.example.com');
      expect(html).toContain('<code>openid</code>');
      expect(html).toContain('<code>profile</code>');
      expect(html.indexOf('<li>corp</li>')).toBeLessThan(html.indexOf('<li>github</li>'));
      expect(html).toContain('<button type="submit" name="decision" value="allow">');
      expect(html).toContain(`action="${h.issuer}/oauth/consent"`);
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(response.headers.get('x-frame-options')).toBe('DENY');
    });

    it('trusted static clients skip it', async () => {
      const response = await get(authorizeUrl({}));
      expect(response.status).toBe(302);
      expect(response.headers.get('location')!.startsWith(h.idps['corp']!.url)).toBe(true);
    });

    it('a trusted client asking prompt=consent gets the page all the same (OIDC Core §3.1.2.1); allow goes on to the first upstream', async () => {
      const browser = new Browser();
      const landing = await browser.navigate('GET', authorizeUrl({ prompt: 'consent' }));
      if (!('html' in landing)) throw new Error('no consent page');
      expect(landing.status).toBe(200);
      expect(landing.url.startsWith(`${h.issuer}/oauth/authorize`)).toBe(true);
      const form = parseForms(landing).find((f) => 'csrf_token' in f.fields)!;
      const corp = new URL(h.idps['corp']!.url).origin;
      const next = await browser.submit(form, { decision: 'allow' }, (url) => url.origin === corp);
      expect('stoppedAt' in next && next.stoppedAt.origin).toBe(corp);
    });

    it('deny → access_denied with state and iss, no upstream visited', async () => {
      const fc = await registeredClient(h);
      const before = idpRequests();
      const run = await runChain(fc, {}, { consent: 'deny' });
      expect(run.callback.searchParams.get('error')).toBe('access_denied');
      expect(run.callback.searchParams.get('state')).toBe(run.request.state);
      expect(run.callback.searchParams.get('iss')).toBe(h.issuer);
      expect(idpRequests()).toBe(before);
    });

    it('deny for an unconsented https client → an access_denied page, no redirect (RFC 9700 §4.11.2)', async () => {
      const before = idpRequests();
      const browser = new Browser();
      const landing = await browser.navigate(
        'GET',
        authorizeUrl({ client_id: 'web-app', redirect_uri: WEB }),
      );
      if (!('html' in landing)) throw new Error('no consent page');
      const form = parseForms(landing).find((f) => 'csrf_token' in f.fields)!;
      const denied = await browser.submit(form, { decision: 'deny' }, (url) => url.href.startsWith(WEB));
      expect('html' in denied && denied.status).toBe(403);
      expect('html' in denied && denied.html).toContain('<code>access_denied</code>');
      expect(browser.hops.at(-1)!.location).toBeUndefined();
      expect(idpRequests()).toBe(before);
    });

    it('deny for a client this browser approved before → access_denied by redirect', async () => {
      const cookie = await webAppApproval();
      const page = await get(
        authorizeUrl({ client_id: 'web-app', redirect_uri: WEB, prompt: 'consent' }),
        cookie,
      );
      const html = await page.text();
      const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)![1]!;
      const jar = new CookieJar();
      jar.store(h.issuer, page);
      const denied = await post(
        { interaction: field('interaction'), csrf_token: field('csrf_token'), decision: 'deny' },
        `${cookie}; ${jar.header(h.issuer)}`,
      );
      expect(denied.status).toBe(303);
      const location = new URL(denied.headers.get('location')!);
      expect(`${location.origin}${location.pathname}`).toBe(WEB);
      expect(location.searchParams.get('error')).toBe('access_denied');
      expect(location.searchParams.get('state')).toBe('st-123');
    });

    it('remembers a public client only for the exact redirect URI, port included (RFC 8252 §8.6)', async () => {
      const fc = await registeredClient(h);
      const browser = new Browser();
      const first = await runChain(fc, { scope: 'openid' }, { browser });
      expect(first.ride.consentShown).toBe(true);
      const otherPort = 'http://127.0.0.1:8766/callback';
      const elsewhere = await runChain(fc, { scope: 'openid' }, { browser, redirectUri: otherPort });
      expect(elsewhere.ride.consentShown).toBe(true);
      expect(elsewhere.callback.href.startsWith(otherPort)).toBe(true);
      // Each approval holds for its own redirect URI.
      const again = await runChain(fc, { scope: 'openid' }, { browser });
      expect(again.ride.consentShown).toBe(false);
      const againElsewhere = await runChain(fc, { scope: 'openid' }, { browser, redirectUri: otherPort });
      expect(againElsewhere.ride.consentShown).toBe(false);
    });

    it('remembers a confidential client for the client', async () => {
      const cookie = await webAppApproval();
      const response = await get(authorizeUrl({ client_id: 'web-app', redirect_uri: WEB }), cookie);
      expect(response.status).toBe(302);
      expect(response.headers.get('location')!.startsWith(h.idps['corp']!.url)).toBe(true);
    });

    const consentForm = async () => {
      const jar = new CookieJar();
      const url = authorizeUrl({ client_id: 'web-app', redirect_uri: WEB });
      const response = await get(url);
      jar.store(url, response);
      const html = await response.text();
      const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)![1]!;
      return { jar, interaction: field('interaction'), csrf: field('csrf_token') };
    };
    const post = (body: Record<string, string>, cookie?: string) =>
      fetch(`${h.issuer}/oauth/consent`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
        body: new URLSearchParams(body).toString(),
      });

    it('refuses a wrong CSRF token, a missing browser cookie, and a replayed answer', async () => {
      const a = await consentForm();
      const wrong = await post(
        { interaction: a.interaction, csrf_token: 'x'.repeat(43), decision: 'allow' },
        a.jar.header(h.issuer),
      );
      expect(wrong.status).toBe(403);
      expect(wrong.headers.get('location')).toBeNull();
      const b = await consentForm();
      const noCookie = await post({ interaction: b.interaction, csrf_token: b.csrf, decision: 'allow' });
      expect(noCookie.status).toBe(403);
      const c = await consentForm();
      const ok = await post(
        { interaction: c.interaction, csrf_token: c.csrf, decision: 'allow' },
        c.jar.header(h.issuer),
      );
      expect(ok.status).toBe(303);
      expect(ok.headers.get('location')!.startsWith(h.idps['corp']!.url)).toBe(true);
      const replay = await post(
        { interaction: c.interaction, csrf_token: c.csrf, decision: 'allow' },
        c.jar.header(h.issuer),
      );
      expect(replay.status).toBe(400);
      expect(replay.headers.get('location')).toBeNull();
    });

    it('remembered consent covers only the scopes the user approved: a wider request asks again', async () => {
      const fc = await registeredClient(h);
      const browser = new Browser();
      const first = await runChain(fc, { scope: 'openid' }, { browser });
      expect(first.ride.consentShown).toBe(true);
      const same = await runChain(fc, { scope: 'openid' }, { browser });
      expect(same.ride.consentShown).toBe(false);
      const wider = await runChain(fc, { scope: 'openid offline_access email' }, { browser });
      expect(wider.ride.consentShown).toBe(true);
      expect(wider.callback.searchParams.get('code')).toBeTypeOf('string');
      const narrower = await runChain(fc, { scope: 'offline_access' }, { browser });
      expect(narrower.ride.consentShown).toBe(false);
      const denied = await runChain(fc, { scope: 'openid profile' }, { browser, consent: 'deny' });
      expect(denied.ride.consentShown).toBe(true);
      const stillAsks = await runChain(fc, { scope: 'profile' }, { browser });
      expect(stillAsks.ride.consentShown).toBe(true);
    });

    it('ignores a forged consent cookie', async () => {
      const forged = `chain_consent=${Buffer.from(JSON.stringify({ c: ['web-app'], e: 9e9 })).toString('base64url')}.AAAA`;
      const response = await get(authorizeUrl({ client_id: 'web-app', redirect_uri: WEB }), forged);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('name="decision" value="allow"');
    });
  });

  it('the whole ride of a trusted client needs no consent and ends at the requested loopback port', async () => {
    const redirect = 'http://127.0.0.1:47001/cb';
    const ride = await browse(authorizeUrl({ redirect_uri: redirect }), { stopAt: redirect });
    expect(ride.consentShown).toBe(false);
    expect(ride.final.searchParams.get('code')).toBeTypeOf('string');
    expect(ride.final.searchParams.get('state')).toBe('st-123');
    expect(ride.final.searchParams.get('iss')).toBe(h.issuer);
  });

  it('registered redirect URIs are the only client destinations of a full chain', async () => {
    const fc = await registeredClient(h);
    const run = await runChain(fc);
    expect(run.callback.href.startsWith(`${CLIENT_REDIRECT}?`)).toBe(true);
  });
});

describe('the consent page names each upstream by its display name, in chain order', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      upstreams: [
        { name: 'corp', mode: 'oidc', displayName: 'Corp SSO' },
        { name: 'github', mode: 'oauth2', displayName: 'GitHub <Enterprise> & Co' },
      ],
      clients: [{ clientId: 'app', redirectUris: [LOOPBACK], trusted: false }],
    });
  });
  afterAll(() => h.close());

  it('shows the display names escaped, never the names', async () => {
    const challenge = await calculatePKCECodeChallenge(generateRandomCodeVerifier());
    const url = new URL(`${h.issuer}/oauth/authorize`);
    url.search = new URLSearchParams({
      client_id: 'app',
      redirect_uri: LOOPBACK,
      response_type: 'code',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      scope: 'openid',
    }).toString();
    const response = await fetch(url, { redirect: 'manual' });
    expect(response.status).toBe(200);
    const html = await response.text();
    const first = html.indexOf('<li>Corp SSO</li>');
    expect(first).toBeGreaterThan(-1);
    expect(html.indexOf('<li>GitHub &lt;Enterprise&gt; &amp; Co</li>')).toBeGreaterThan(first);
    expect(html).not.toContain('<li>corp</li>');
    expect(html).not.toContain('<li>github</li>');
  });
});
