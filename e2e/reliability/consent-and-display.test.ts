import { Browser, discover, type Page, parseForms, registerClient } from '@auth/test-kit';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopAll } from '../src/support/process.js';
import { SecretsSeen } from '../src/support/secrets.js';
import { type Stack, startStack, UPSTREAM_SECRETS } from '../src/support/stack.js';

/**
 * Issue 11, items 5–7, against the gateway CLI and the mock IdP CLIs: crafted authorization
 * links for a client anyone could register (RFC 9700 §4.11.2), remembered consent and loopback
 * ports (RFC 8252 §8.6), and what a registration may put on the consent page.
 */
describe('redirects, consent and display (issue 11, items 5–7)', () => {
  let stack: Stack;
  let challenge: string;
  const EVIL = 'https://evil.example/cb';
  const TRUSTED = 'https://trusted.example/cb';
  const LOOPBACK = 'http://127.0.0.1:8765/callback';
  const secrets = new SecretsSeen();

  beforeAll(async () => {
    stack = await startStack({
      clients: [{ client_id: 'trusted-web', redirect_uris: [TRUSTED], trusted: true }],
    });
    challenge = await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier());
    for (const [name, value] of Object.entries(UPSTREAM_SECRETS)) secrets.add(name, value);
  });
  afterAll(async () => {
    await stack?.stop();
    await stopAll();
  });

  const authorizeUrl = (
    clientId: string,
    redirectUri: string,
    params: Record<string, string | undefined>,
  ) => {
    const url = new URL(`${stack.issuer}/oauth/authorize`);
    const all: Record<string, string | undefined> = {
      client_id: clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: 'crafted-state',
      scope: 'openid',
      ...params,
    };
    for (const [name, value] of Object.entries(all))
      if (value !== undefined) url.searchParams.set(name, value);
    return url;
  };

  /** Five links that fail before consent, each for a reason the client's redirect URI would learn. */
  const CRAFTED: Array<[string, Record<string, string | undefined>, string]> = [
    ['response_type=token', { response_type: 'token' }, 'unsupported_response_type'],
    ['no PKCE', { code_challenge: undefined, code_challenge_method: undefined }, 'invalid_request'],
    ['unknown scope', { scope: 'openid admin' }, 'invalid_scope'],
    ['prompt=none', { prompt: 'none' }, 'login_required'],
    ['request object', { request: 'e30.e30.' }, 'request_not_supported'],
  ];

  /** The consent page of a fresh authorization request in `browser`. */
  const consentPage = async (browser: Browser, url: URL): Promise<Page> => {
    const landing = await browser.navigate('GET', url);
    if (!('html' in landing)) throw new Error(`no consent page: stopped at ${landing.stoppedAt.href}`);
    expect(landing.status).toBe(200);
    return landing;
  };
  const answer = async (browser: Browser, page: Page, decision: 'allow' | 'deny', stopAt: string) => {
    const form = parseForms(page).find((f) => 'csrf_token' in f.fields);
    expect(form, 'consent form').toBeDefined();
    secrets.add('consent csrf_token', form!.fields['csrf_token']);
    return browser.submit(form!, { decision }, (url) => url.href.startsWith(stopAt));
  };

  describe('item 5: no redirect to an unverified redirect URI before consent', () => {
    it('answers five crafted links for a registered https client on a page, never by redirect', async () => {
      const { client } = await registerClient(stack.issuer, {
        redirect_uris: [EVIL],
        client_name: 'Evil',
      });
      for (const [label, params, error] of CRAFTED) {
        const response = await fetch(authorizeUrl(client.client_id, EVIL, params), { redirect: 'manual' });
        expect(response.status, label).toBe(400);
        expect(response.headers.get('location'), label).toBeNull();
        expect(response.headers.get('content-type'), label).toMatch(/^text\/html/);
        expect(await response.text(), label).toContain(`<code>${error}</code>`);
      }
    });

    it('still redirects errors to a loopback redirect URI and to a trusted client', async () => {
      const { client } = await registerClient(stack.issuer);
      for (const [clientId, redirectUri] of [
        [client.client_id, LOOPBACK],
        ['trusted-web', TRUSTED],
      ] as const) {
        for (const [label, params, error] of CRAFTED) {
          const response = await fetch(authorizeUrl(clientId, redirectUri, params), { redirect: 'manual' });
          expect(response.status, `${clientId} ${label}`).toBe(302);
          const location = new URL(response.headers.get('location')!);
          expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
          expect(location.searchParams.get('error'), label).toBe(error);
          expect(location.searchParams.get('state')).toBe('crafted-state');
          expect(location.searchParams.get('iss')).toBe(stack.issuer);
        }
      }
    });

    it('Deny for an unconsented https client shows a page; once this browser approved it, errors and Deny redirect', async () => {
      const { client } = await registerClient(stack.issuer, { redirect_uris: [EVIL] });
      const browser = new Browser();
      const denied = await answer(
        browser,
        await consentPage(browser, authorizeUrl(client.client_id, EVIL, {})),
        'deny',
        EVIL,
      );
      expect('html' in denied && denied.status).toBe(403);
      expect('html' in denied && denied.html).toContain('<code>access_denied</code>');
      expect(browser.hops.at(-1)!.location).toBeUndefined();

      // Approving sends the browser on to the upstream IdPs; the approval is remembered.
      const allowed = await answer(
        browser,
        await consentPage(browser, authorizeUrl(client.client_id, EVIL, {})),
        'allow',
        stack.corp.url,
      );
      expect('stoppedAt' in allowed && allowed.stoppedAt.href.startsWith(stack.corp.url)).toBe(true);

      const crafted = await browser.navigate(
        'GET',
        authorizeUrl(client.client_id, EVIL, { response_type: 'token' }),
        {
          stopAt: (url) => url.href.startsWith(EVIL),
        },
      );
      expect('stoppedAt' in crafted && crafted.stoppedAt.searchParams.get('error')).toBe(
        'unsupported_response_type',
      );

      const again = await consentPage(browser, authorizeUrl(client.client_id, EVIL, { prompt: 'consent' }));
      const deniedAgain = await answer(browser, again, 'deny', EVIL);
      expect('stoppedAt' in deniedAgain && deniedAgain.stoppedAt.searchParams.get('error')).toBe(
        'access_denied',
      );
      expect('stoppedAt' in deniedAgain && deniedAgain.stoppedAt.searchParams.get('state')).toBe(
        'crafted-state',
      );

      // Another browser has approved nothing: still a page.
      const stranger = await fetch(authorizeUrl(client.client_id, EVIL, { response_type: 'token' }), {
        redirect: 'manual',
      });
      expect(stranger.status).toBe(400);
      expect(stranger.headers.get('location')).toBeNull();
    });
  });

  describe('item 6: remembered consent of a public client holds for its exact redirect URI', () => {
    it('asks again when another program uses the client id on another loopback port', async () => {
      const { client } = await registerClient(stack.issuer);
      const browser = new Browser();
      const first = await answer(
        browser,
        await consentPage(browser, authorizeUrl(client.client_id, LOOPBACK, {})),
        'allow',
        stack.corp.url,
      );
      expect('stoppedAt' in first).toBe(true);

      const samePort = await browser.navigate('GET', authorizeUrl(client.client_id, LOOPBACK, {}), {
        stopAt: (url) => url.href.startsWith(stack.corp.url),
      });
      expect('stoppedAt' in samePort, 'same redirect URI: remembered').toBe(true);

      const otherPort = await browser.navigate(
        'GET',
        authorizeUrl(client.client_id, 'http://127.0.0.1:9999/callback', {}),
        { stopAt: (url) => url.href.startsWith(stack.corp.url) },
      );
      expect('html' in otherPort && otherPort.html, 'another port: the consent page again').toContain(
        'name="decision"',
      );
    });
  });

  describe('item 7: what a registration may show', () => {
    const registerRaw = async (metadata: Record<string, unknown>) => {
      const as = await discover(stack.issuer);
      const response = await fetch(as.registration_endpoint!, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ redirect_uris: [LOOPBACK], token_endpoint_auth_method: 'none', ...metadata }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };

    const refused: Array<[string, Record<string, unknown>]> = [
      ['right-to-left override', { client_name: 'moc.elpmaxe\u202E' }],
      ['left-to-right isolate', { client_name: 'a\u2066b' }],
      ['arabic letter mark', { client_name: 'a\u061Cb' }],
      ['C0 control', { client_name: 'a\u0007b' }],
      ['newline', { client_name: 'a\nb' }],
      ['C1 control', { client_name: 'a\u0085b' }],
      ['http logo_uri', { logo_uri: 'http://example.com/logo.png' }],
      ['javascript client_uri', { client_uri: 'javascript:alert(1)' }],
      ['data policy_uri', { policy_uri: 'data:text/html,hi' }],
      ['relative tos_uri', { tos_uri: '/tos' }],
    ];
    for (const [label, metadata] of refused) {
      it(`refuses ${label} with invalid_client_metadata`, async () => {
        const { status, body } = await registerRaw(metadata);
        expect(status).toBe(400);
        expect(body['error']).toBe('invalid_client_metadata');
      });
    }

    it('accepts https URLs and isolates the name on the consent page', async () => {
      const name = 'עברית Tools';
      const { status, body } = await registerRaw({
        client_name: name,
        logo_uri: 'https://example.com/logo.png',
        client_uri: 'https://example.com/',
        policy_uri: 'https://example.com/privacy',
        tos_uri: 'https://example.com/tos',
      });
      expect(status).toBe(201);
      const page = await consentPage(new Browser(), authorizeUrl(String(body['client_id']), LOOPBACK, {}));
      expect(page.html).toContain(`<bdi>${name}</bdi>`);
      expect(page.html).not.toMatch(new RegExp(`[^>]${name}`));
    });
  });

  it('logged none of the secrets and CSRF tokens the run saw', () => {
    expect(secrets.size).toBeGreaterThan(2);
    secrets.expectAbsentFrom(stack.gatewayOutput(), 'the gateway output');
  });
});
