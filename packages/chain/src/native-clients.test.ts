import { authorizationRequest, redeem, runChain } from '@auth/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registeredClient } from './test-support/flow.js';
import { type Harness, startHarness } from './test-support/gateway-harness.js';

const REVERSE_DOMAIN = 'com.example.app:/cb';
const CURSOR = 'cursor://anysphere.cursor-retrieval/oauth/callback';

describe('native clients (RFC 8252 §7.1): private-use URI scheme redirects', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ upstreams: [{ name: 'corp', mode: 'oidc' }] });
  });
  afterAll(async () => {
    await h.close();
  });

  const register = (body: unknown) =>
    fetch(`${h.issuer}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('registers a reverse-domain scheme and a well-known app scheme, echoed as registered', async () => {
    const response = await register({
      redirect_uris: [REVERSE_DOMAIN, CURSOR],
      token_endpoint_auth_method: 'none',
      client_name: 'Native',
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body['redirect_uris']).toEqual([REVERSE_DOMAIN, CURSOR]);
  });

  for (const uri of [
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'file:///etc/passwd',
    'vbscript:msgbox(1)',
    'blob:https://app.example.com/id',
    'about:blank',
    'http://app.example.com/cb',
    'com.example.app:/cb#x',
    'myapp:/cb',
  ]) {
    it(`still refuses ${uri} with invalid_redirect_uri`, async () => {
      const response = await register({
        redirect_uris: [REVERSE_DOMAIN, uri],
        token_endpoint_auth_method: 'none',
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as Record<string, unknown>)['error']).toBe('invalid_redirect_uri');
    });
  }

  for (const redirectUri of [REVERSE_DOMAIN, CURSOR]) {
    it(`a login drives to ${redirectUri} (the Location of the final redirect), and the code redeems`, async () => {
      const fc = await registeredClient(h, {
        redirect_uris: [REVERSE_DOMAIN, CURSOR],
        client_name: 'Native',
      });
      const run = await runChain(fc, {}, { redirectUri });
      expect(run.ride.stopped).toBe(true);
      expect(run.ride.consentShown).toBe(true);
      const last = run.ride.browser.hops.at(-1);
      expect(last?.status).toBe(303);
      expect(last?.location).toBe(run.callback.href);
      expect(run.callback.href.startsWith(`${redirectUri}?`)).toBe(true);
      expect(run.callback.searchParams.get('state')).toBe(run.request.state);
      expect(run.callback.searchParams.get('iss')).toBe(h.issuer);
      const tokens = await redeem(fc.as, fc.client, run.callback, run.request);
      expect(tokens.access_token).toBeTypeOf('string');
    });
  }

  it('matches exactly: a near miss of a native redirect URI gets an error page, never a redirect', async () => {
    const fc = await registeredClient(h, { redirect_uris: [REVERSE_DOMAIN] });
    for (const near of ['com.example.app:/cb/x', 'com.example.app://cb', 'com.example.evil:/cb']) {
      const run = await runChain(fc, {}, { redirectUri: near });
      expect(run.ride.stopped, near).toBe(false);
      expect(run.ride.status, near).toBe(400);
      expect(run.ride.body, near).toContain('The redirect URI is not registered');
    }
  });

  it('the consent page says plainly that the client is a native app and names its scheme', async () => {
    const fc = await registeredClient(h, { redirect_uris: [CURSOR], client_name: 'Cursor' });
    const request = await authorizationRequest(fc.as, fc.client, CURSOR, { scope: 'openid' });
    const consent = await fetch(request.url, { redirect: 'manual' });
    expect(consent.status).toBe(200);
    const html = await consent.text();
    expect(html).toContain('is a <strong>native app</strong> on your device');
    expect(html).toContain('<code>cursor:</code>');
    expect(html).not.toContain('anysphere.cursor-retrieval');
  });

  it('a web client’s consent page still names its host, not a scheme', async () => {
    const fc = await registeredClient(h, { redirect_uris: ['https://web.example.com/cb'] });
    const request = await authorizationRequest(fc.as, fc.client, 'https://web.example.com/cb');
    const html = await (await fetch(request.url, { redirect: 'manual' })).text();
    expect(html).toContain('at <strong>web.example.com</strong> asks for access');
    expect(html).not.toContain('native app');
  });
});
