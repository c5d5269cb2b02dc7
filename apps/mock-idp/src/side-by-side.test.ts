import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockIdp, startMockIdp } from './index.js';
import { oidcConfig, oidcLogin } from './test-support/oidc-flow.js';

describe('three instances side by side', () => {
  const idps: MockIdp[] = [];
  const tokens: { access: string; refresh: string }[] = [];

  beforeAll(async () => {
    // Same client id and secret everywhere: only the issuing instance may accept a token.
    for (const user of ['ann', 'ben', 'cat']) {
      const idp = await startMockIdp({
        mode: 'oidc',
        clientId: 'gateway',
        clientSecret: 'same',
        autoLogin: user,
      });
      idps.push(idp);
      const set = await oidcLogin(await oidcConfig(idp, 'same'));
      tokens.push({ access: set.access_token, refresh: set.refresh_token ?? '' });
    }
  });
  afterAll(() => Promise.all(idps.map((idp) => idp.close())));

  it('listen on different ports with distinct token prefixes', () => {
    expect(new Set(idps.map((i) => i.port)).size).toBe(3);
    expect(new Set(idps.map((i) => i.tokenPrefix)).size).toBe(3);
    idps.forEach((idp, i) => {
      expect(tokens[i]?.access.startsWith(idp.tokenPrefix)).toBe(true);
    });
  });

  it('each accepts its own access tokens at userinfo and rejects the others', async () => {
    for (const [i, idp] of idps.entries()) {
      for (const [j, set] of tokens.entries()) {
        const res = await fetch(`${idp.url}/userinfo`, {
          headers: { authorization: `Bearer ${set.access}` },
        });
        expect(res.status, `idp ${i} with token of idp ${j}`).toBe(i === j ? 200 : 401);
        if (i === j) expect(((await res.json()) as { sub: string }).sub).toBe(['ann', 'ben', 'cat'][i]);
      }
    }
  });

  it("each refuses the others' refresh tokens with invalid_grant", async () => {
    for (const [i, idp] of idps.entries()) {
      const other = tokens[(i + 1) % 3]?.refresh ?? '';
      const res = await fetch(`${idp.url}/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from('gateway:same').toString('base64')}` },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: other }),
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'invalid_grant' });
    }
  });

  it('keeps separate IdP sessions although cookies ignore ports', async () => {
    const [a, b] = idps;
    const res = await fetch(
      `${a?.url}/authorize?client_id=gateway&redirect_uri=http://127.0.0.1:9/cb&response_type=code&code_challenge=${'A'.repeat(43)}&code_challenge_method=S256`,
      { redirect: 'manual' },
    );
    const cookie = res.headers.getSetCookie()[0] ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    const name = cookie.split('=')[0] ?? '';
    const withOtherCookie = await fetch(
      `${b?.url}/authorize?client_id=gateway&redirect_uri=http://127.0.0.1:9/cb&response_type=code&code_challenge=${'A'.repeat(43)}&code_challenge_method=S256`,
      { redirect: 'manual', headers: { cookie: cookie.split(';')[0] ?? '' } },
    );
    // b logs in as its own auto-login user and sets its own cookie, not a's.
    expect(withOtherCookie.headers.getSetCookie()[0]?.startsWith(`${name}=`)).toBe(false);
  });
});
