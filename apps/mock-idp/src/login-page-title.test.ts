import { afterEach, describe, expect, it } from 'vitest';
import { type MockIdp, startMockIdp } from './index.js';
import { pkcePair } from './test-support/pkce-pair.js';

const REDIRECT = 'http://127.0.0.1:9/cb';

/** The login form of `idp`, as a browser gets it. */
async function loginPage(idp: MockIdp): Promise<string> {
  const path = idp.mode === 'oidc' ? '/authorize' : '/login/oauth/authorize';
  const query = new URLSearchParams({
    client_id: 'gw',
    redirect_uri: REDIRECT,
    response_type: 'code',
    code_challenge: pkcePair().challenge,
    code_challenge_method: 'S256',
    state: 'st',
  });
  const res = await fetch(`${idp.url}${path}?${query}`);
  expect(res.status).toBe(200);
  return res.text();
}

describe('the login page names its provider (the title option)', () => {
  let idp: MockIdp | undefined;
  afterEach(() => idp?.close());

  it.each(['oidc', 'oauth2'] as const)(
    '%s: shows the given title as heading and page title, escaped',
    async (mode) => {
      idp = await startMockIdp({
        mode,
        clientId: 'gw',
        redirectUris: [REDIRECT],
        title: 'Corp SSO — step 1 of 2 <b>',
      });
      const html = await loginPage(idp);
      expect(html).toContain('<h1>Corp SSO — step 1 of 2 &lt;b&gt;</h1>');
      expect(html).toContain('<title>Corp SSO — step 1 of 2 &lt;b&gt;: sign in</title>');
    },
  );

  it('defaults to the mode and issuer', async () => {
    idp = await startMockIdp({ mode: 'oauth2', clientId: 'gw', redirectUris: [REDIRECT] });
    expect(await loginPage(idp)).toContain(`<h1>Mock GitHub ${idp.issuer}</h1>`);
  });
});
