import { Browser } from '@auth/test-kit';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockIdp, startMockIdp } from './index.js';
import { authorizeOnce, oidcConfig, oidcLogin, TEST_REDIRECT } from './test-support/oidc-flow.js';

const REDIRECT = TEST_REDIRECT;

describe('oidc mode driven by openid-client', () => {
  let idp: MockIdp;
  let config: client.Configuration;

  beforeAll(async () => {
    idp = await startMockIdp({
      mode: 'oidc',
      clientId: 'gateway',
      clientSecret: 's3cret',
      redirectUris: [REDIRECT],
    });
    config = await client.discovery(new URL(idp.issuer), 'gateway', 's3cret', undefined, {
      execute: [client.allowInsecureRequests],
    });
    client.enableNonRepudiationChecks(config);
  });
  afterAll(() => idp.close());

  async function login(browser: Browser, username: string | undefined) {
    const { callback, checks, nonce, state } = await authorizeOnce(config, username, browser);
    const tokens = await client.authorizationCodeGrant(config, callback, checks);
    return { tokens, callback, nonce, state };
  }

  it('advertises what it implements in its discovery document', () => {
    const meta = config.serverMetadata();
    expect(meta.issuer).toBe(idp.issuer);
    expect(meta.code_challenge_methods_supported).toEqual(['S256']);
    expect(meta.authorization_response_iss_parameter_supported).toBe(true);
    expect(meta.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(['client_secret_basic', 'client_secret_post', 'none']),
    );
    expect(meta.jwks_uri).toBe(`${idp.issuer}/jwks`);
  });

  it('logs in through the form, returns code, state and iss, and issues a verifiable ID token', async () => {
    const { tokens, callback, nonce, state } = await login(new Browser(), 'alice');
    expect(callback.searchParams.get('iss')).toBe(idp.issuer);
    expect(callback.searchParams.get('state')).toBe(state);
    expect(tokens.access_token.startsWith(idp.tokenPrefix)).toBe(true);
    expect(tokens.refresh_token?.startsWith(idp.tokenPrefix)).toBe(true);
    expect(tokens.token_type.toLowerCase()).toBe('bearer');

    const jwks = createRemoteJWKSet(new URL(`${idp.issuer}/jwks`));
    const { payload, protectedHeader } = await jwtVerify(tokens.id_token ?? '', jwks, {
      issuer: idp.issuer,
      audience: 'gateway',
    });
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload).toMatchObject({ sub: 'alice', nonce, name: 'Alice', email: 'alice@example.com' });
    expect(typeof payload.iat).toBe('number');
    expect(payload.exp).toBe((payload.iat ?? 0) + 3600);
    expect(tokens.claims()?.sub).toBe('alice');
  });

  it('serves userinfo for a live token only', async () => {
    const { tokens } = await login(new Browser(), 'bob');
    const info = await client.fetchUserInfo(config, tokens.access_token, 'bob');
    expect(info).toMatchObject({ sub: 'bob', name: 'Bob', email: 'bob@example.com' });

    const forged = await fetch(`${idp.url}/userinfo`, {
      headers: { authorization: `Bearer ${idp.tokenPrefix}at_forged` },
    });
    expect(forged.status).toBe(401);
    expect(forged.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    const none = await fetch(`${idp.url}/userinfo`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('rotates refresh tokens: the old one then fails with invalid_grant', async () => {
    const { tokens } = await login(new Browser(), 'carol');
    const old = tokens.refresh_token ?? '';
    const refreshed = await client.refreshTokenGrant(config, old);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(refreshed.refresh_token).toBeDefined();
    expect(refreshed.refresh_token).not.toBe(old);
    expect((await client.fetchUserInfo(config, refreshed.access_token, 'carol')).sub).toBe('carol');

    const replay = client.refreshTokenGrant(config, old);
    await expect(replay).rejects.toMatchObject({ error: 'invalid_grant' });
    // The rotated token still works once.
    const again = await client.refreshTokenGrant(config, refreshed.refresh_token ?? '');
    expect(again.access_token.startsWith(idp.tokenPrefix)).toBe(true);
  });

  it('keeps an IdP session: the second login in the same browser skips the form', async () => {
    const browser = new Browser();
    await login(browser, 'dave');
    const second = await login(browser, undefined);
    expect(second.tokens.claims()?.sub).toBe('dave');
    // Another browser sees the form again.
    await expect(login(new Browser(), undefined)).rejects.toThrow(/login form showed/);
  });

  it('revokes a token at /revoke (RFC 7009)', async () => {
    const { tokens } = await login(new Browser(), 'erin');
    await client.tokenRevocation(config, tokens.access_token);
    await expect(client.fetchUserInfo(config, tokens.access_token, 'erin')).rejects.toMatchObject({
      status: 401,
    });
    await client.tokenRevocation(config, tokens.refresh_token ?? '');
    await expect(client.refreshTokenGrant(config, tokens.refresh_token ?? '')).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });
});

describe('oidc client authentication methods, through openid-client', () => {
  it('accepts a public client (auth method none) with PKCE', async () => {
    const idp = await startMockIdp({ mode: 'oidc', clientId: 'public-app', autoLogin: 'pat' });
    try {
      const config = await client.discovery(new URL(idp.issuer), 'public-app', undefined, client.None(), {
        execute: [client.allowInsecureRequests],
      });
      client.enableNonRepudiationChecks(config);
      const tokens = await oidcLogin(config);
      expect(tokens.claims()?.sub).toBe('pat');
      expect(idp.requests().find((r) => r.path === '/token')?.params['client_auth']).toBe('none');
      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token ?? '');
      expect(refreshed.access_token.startsWith(idp.tokenPrefix)).toBe(true);
    } finally {
      await idp.close();
    }
  });

  it('decodes client_secret_basic credentials per RFC 6749 §2.3.1 (form-urlencoded before Base64)', async () => {
    const secret = 'p+ss:w0rd/ü %';
    const idp = await startMockIdp({
      mode: 'oidc',
      clientId: 'app:1',
      clientSecret: secret,
      autoLogin: 'sam',
    }).catch((err: unknown) => err);
    // A colon is not allowed in a client id here (it would be ambiguous in Basic credentials).
    expect(idp).toMatchObject({ code: 'invalid_options' });

    const ok = await startMockIdp({
      mode: 'oidc',
      clientId: 'app.1',
      clientSecret: secret,
      autoLogin: 'sam',
    });
    try {
      const config = await client.discovery(
        new URL(ok.issuer),
        'app.1',
        undefined,
        client.ClientSecretBasic(secret),
        {
          execute: [client.allowInsecureRequests],
        },
      );
      client.enableNonRepudiationChecks(config);
      expect((await oidcLogin(config)).claims()?.sub).toBe('sam');
      expect(ok.requests().find((r) => r.path === '/token')?.params['client_auth']).toBe(
        'client_secret_basic',
      );
      const wrong = await oidcConfig(ok, 'not-the-secret');
      await expect(oidcLogin(wrong)).rejects.toMatchObject({ error: 'invalid_client', status: 401 });
    } finally {
      await ok.close();
    }
  });
});
