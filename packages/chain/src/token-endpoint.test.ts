import { generateKeyPairSync } from 'node:crypto';
import { insecure, login, runChain } from '@auth/test-kit';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeaks, registeredClient } from './test-support/flow.js';
import { type Harness, startHarness } from './test-support/gateway-harness.js';

const form = (body: Record<string, string>) => new URLSearchParams(body).toString();
const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

describe('token, revocation, introspection, userinfo and registration endpoints', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      upstreams: [
        { name: 'corp', mode: 'oidc' },
        { name: 'github', mode: 'oauth2' },
      ],
      clients: [
        {
          clientId: 'static-confidential',
          clientSecret: 'static-client-secret-0123456789',
          redirectUris: ['http://127.0.0.1:8765/callback'],
          trusted: true,
        },
      ],
    });
  });
  afterAll(async () => {
    await h.close();
  });

  const token = (body: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${h.issuer}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: form(body),
    });
  const json = async (response: Response) => (await response.json()) as Record<string, unknown>;

  it('serves RFC 8414 and OIDC discovery advertising only what is implemented', async () => {
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
      const metadata = await json(await fetch(`${h.issuer}${path}`));
      expect(metadata['issuer']).toBe(h.issuer);
      expect(metadata['code_challenge_methods_supported']).toEqual(['S256']);
      expect(metadata['authorization_response_iss_parameter_supported']).toBe(true);
      expect(metadata['response_types_supported']).toEqual(['code']);
      expect(metadata['grant_types_supported']).toEqual(['authorization_code', 'refresh_token']);
      expect(metadata['registration_endpoint']).toBe(`${h.issuer}/oauth/register`);
      expect(metadata['jwks_uri']).toBe(`${h.issuer}/.well-known/jwks.json`);
      expect(metadata['id_token_signing_alg_values_supported']).toEqual(['ES256', 'RS256']);
    }
  });

  it('request / request_uri: discovery says they are not supported (OIDC Discovery §3)', async () => {
    const metadata = await json(await fetch(`${h.issuer}/.well-known/openid-configuration`));
    expect(metadata['request_parameter_supported']).toBe(false);
    expect(metadata['request_uri_parameter_supported']).toBe(false);
    // prompt_values_supported lists none (answered with login_required), login and consent.
    expect(metadata['prompt_values_supported']).toEqual(['none', 'login', 'consent']);
    const jwks = await json(await fetch(`${h.issuer}/.well-known/jwks.json`));
    expect(jwks).toEqual(h.as.jwks());
    expect(JSON.stringify(jwks)).not.toContain('"d"');
    expect(h.logs.lines.some((l) => l.includes('keys.ephemeral'))).toBe(true);
  });

  it('authenticates a confidential static client with client_secret_basic', async () => {
    const as = await oauth.processDiscoveryResponse(
      new URL(h.issuer),
      await oauth.discoveryRequest(new URL(h.issuer), { ...insecure, algorithm: 'oauth2' }),
    );
    const fc = {
      as,
      client: {
        client_id: 'static-confidential',
        client_secret: 'static-client-secret-0123456789',
        token_endpoint_auth_method: 'client_secret_basic',
        id_token_signed_response_alg: 'ES256',
      },
    };
    const run = await login(fc);
    expect(run.ride.consentShown).toBe(false);
    expect(run.tokens.token_type.toLowerCase()).toBe('bearer');
  });

  it('rejects bad client authentication with invalid_client (401, Basic challenge when Basic was used)', async () => {
    const wrongSecret = await token(
      { grant_type: 'authorization_code', code: 'x', redirect_uri: 'http://127.0.0.1:8765/callback' },
      { authorization: basic('static-confidential', 'wrong') },
    );
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.headers.get('www-authenticate')).toMatch(/^Basic /);
    expect((await json(wrongSecret))['error']).toBe('invalid_client');

    const wrongMethod = await token({
      grant_type: 'authorization_code',
      code: 'x',
      client_id: 'static-confidential',
      client_secret: 'static-client-secret-0123456789',
    });
    expect(wrongMethod.status).toBe(401);
    // RFC 6749 §5.2 / RFC 9110 §15.5.2: a 401 always carries a challenge, Basic by default.
    expect(wrongMethod.headers.get('www-authenticate')).toMatch(/^Basic /);

    const noAuth = await token({
      grant_type: 'authorization_code',
      code: 'x',
      client_id: 'static-confidential',
    });
    expect(noAuth.status).toBe(401);
    const unknown = await token({ grant_type: 'authorization_code', code: 'x', client_id: 'nobody' });
    expect(unknown.status).toBe(401);
    expect((await json(unknown))['error']).toBe('invalid_client');

    const both = await token(
      { grant_type: 'authorization_code', code: 'x', client_secret: 'static-client-secret-0123456789' },
      { authorization: basic('static-confidential', 'static-client-secret-0123456789') },
    );
    expect(both.status).toBe(400);
    expect((await json(both))['error']).toBe('invalid_request');

    const fc = await registeredClient(h);
    const publicWithSecret = await token({
      grant_type: 'authorization_code',
      code: 'x',
      client_id: fc.client.client_id,
      client_secret: 'anything',
    });
    expect(publicWithSecret.status).toBe(401);
    expectNoLeaks(h, ['static-client-secret-0123456789']);
  });

  it('answers invalid_client, not a 500, to a Basic client_id longer than storage accepts', async () => {
    const logged = h.logs.lines.length;
    const response = await token(
      { grant_type: 'authorization_code', code: 'x' },
      { authorization: basic('a'.repeat(2100), 'secret') },
    );
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic /);
    expect((await json(response))['error']).toBe('invalid_client');
    expect(h.logs.lines.slice(logged).some((l) => l.includes('"level":"error"'))).toBe(false);
  });

  it('sends a Basic challenge with invalid_client whenever an Authorization header was tried (RFC 6749 §5.2)', async () => {
    for (const authorization of ['Bearer abc', 'Basic', 'Digest x']) {
      const response = await token(
        { grant_type: 'authorization_code', code: 'x', client_id: 'static-confidential' },
        { authorization },
      );
      expect(response.status, authorization).toBe(401);
      expect(response.headers.get('www-authenticate'), authorization).toMatch(/^Basic /);
      expect((await json(response))['error'], authorization).toBe('invalid_client');
    }
  });

  it('answers 200, not a 500, when revoking a token longer than storage accepts (RFC 7009 §2.2)', async () => {
    const fc = await registeredClient(h);
    const logged = h.logs.lines.length;
    for (const hint of [undefined, 'access_token', 'refresh_token']) {
      const response = await fetch(`${h.issuer}/oauth/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form({
          token: 'A'.repeat(3000),
          client_id: fc.client.client_id,
          ...(hint === undefined ? {} : { token_type_hint: hint }),
        }),
      });
      expect(response.status, hint).toBe(200);
    }
    expect(h.logs.lines.slice(logged).some((l) => l.includes('"level":"error"'))).toBe(false);
  });

  it('works with a dynamically registered client_secret_post client', async () => {
    const fc = await registeredClient(h, { token_endpoint_auth_method: 'client_secret_post' });
    expect(fc.client.client_secret).toBeTypeOf('string');
    const run = await login(fc);
    expect(run.tokens.refresh_token).toBeTypeOf('string');
    expectNoLeaks(h, [fc.client.client_secret]);
  });

  it('binds the code to PKCE, redirect URI and client: each mismatch is invalid_grant', async () => {
    const fc = await registeredClient(h);
    const other = await registeredClient(h);
    const cases: Array<[string, (code: string, verifier: string) => Record<string, string>]> = [
      ['wrong verifier', (code) => ({ code, code_verifier: oauth.generateRandomCodeVerifier() })],
      ['missing verifier', (code) => ({ code })],
      [
        'wrong redirect_uri',
        (code, verifier) => ({ code, code_verifier: verifier, redirect_uri: 'http://127.0.0.1:8765/other' }),
      ],
      [
        'other client',
        (code, verifier) => ({ code, code_verifier: verifier, client_id: other.client.client_id }),
      ],
    ];
    for (const [label, body] of cases) {
      const run = await runChain(fc);
      const code = run.callback.searchParams.get('code')!;
      const response = await token({
        grant_type: 'authorization_code',
        client_id: fc.client.client_id,
        redirect_uri: run.request.redirectUri,
        ...body(code, run.request.verifier),
      });
      expect(response.status, label).toBe(400);
      expect((await json(response))['error'], label).toBe('invalid_grant');
      // The code is burned: the right request now fails too.
      const retry = await token({
        grant_type: 'authorization_code',
        client_id: fc.client.client_id,
        redirect_uri: run.request.redirectUri,
        code,
        code_verifier: run.request.verifier,
      });
      expect((await json(retry))['error'], label).toBe('invalid_grant');
    }
  });

  it('answers no-store, unsupported_grant_type, and invalid_request for non-form bodies', async () => {
    const fc = await registeredClient(h);
    const unsupported = await token({ grant_type: 'client_credentials', client_id: fc.client.client_id });
    expect(unsupported.status).toBe(400);
    expect(unsupported.headers.get('cache-control')).toBe('no-store');
    expect((await json(unsupported))['error']).toBe('unsupported_grant_type');
    const missing = await token({ client_id: fc.client.client_id });
    expect((await json(missing))['error']).toBe('invalid_request');
    const jsonBody = await fetch(`${h.issuer}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'authorization_code' }),
    });
    expect(jsonBody.status).toBe(400);
    expect((await json(jsonBody))['error']).toBe('invalid_request');
    const wrongMethod = await fetch(`${h.issuer}/oauth/token`);
    expect(wrongMethod.status).toBe(405);
    expect((await json(wrongMethod))['error']).toBe('method_not_allowed');
  });

  it('answers no-store and Pragma no-cache even for errors raised before the token handler (body parser, method)', async () => {
    const tooLarge = await fetch(`${h.issuer}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=authorization_code&code=${'x'.repeat(40_000)}`,
    });
    const badCharset = await fetch(`${h.issuer}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=klingon' },
      body: 'grant_type=authorization_code',
    });
    const wrongMethod = await fetch(`${h.issuer}/oauth/token`);
    for (const [response, status] of [
      [tooLarge, 413],
      [badCharset, 415],
      [wrongMethod, 405],
    ] as const) {
      expect(response.status).toBe(status);
      expect(response.headers.get('cache-control'), String(status)).toBe('no-store');
      expect(response.headers.get('pragma'), String(status)).toBe('no-cache');
    }
  });

  it('narrows scope on refresh and refuses widening; refuses another client refresh token', async () => {
    const fc = await registeredClient(h);
    const run = await login(fc, { scope: 'openid profile offline_access' });
    const narrowed = await token({
      grant_type: 'refresh_token',
      client_id: fc.client.client_id,
      refresh_token: run.tokens.refresh_token!,
      scope: 'openid offline_access',
    });
    const body = await json(narrowed);
    expect(narrowed.status).toBe(200);
    expect(body['scope']).toBe('openid offline_access');
    expect(narrowed.headers.get('cache-control')).toBe('no-store');
    const widened = await token({
      grant_type: 'refresh_token',
      client_id: fc.client.client_id,
      refresh_token: body['refresh_token'] as string,
      scope: 'openid email',
    });
    expect((await json(widened))['error']).toBe('invalid_scope');
    const other = await registeredClient(h);
    const stolen = await token({
      grant_type: 'refresh_token',
      client_id: other.client.client_id,
      refresh_token: body['refresh_token'] as string,
    });
    expect((await json(stolen))['error']).toBe('invalid_grant');
    // The rightful client can still use it: neither failure rotated nor revoked it.
    const still = await token({
      grant_type: 'refresh_token',
      client_id: fc.client.client_id,
      refresh_token: body['refresh_token'] as string,
    });
    expect(still.status).toBe(200);
  });

  it('issues refresh tokens of the form <grantId>.<secret>; malformed or forged ones are invalid_grant, never a 500', async () => {
    const fc = await registeredClient(h);
    const run = await login(fc);
    const issued = run.tokens.refresh_token!;
    const format = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;
    const [, grantId, secret] = issued.match(format) ?? [];
    expect(grantId, 'grant id prefix').toBeDefined();
    // The secret alone carries 256 bits: 43 base64url characters.
    expect(Buffer.from(secret!, 'base64url')).toHaveLength(32);
    const refresh = (refreshToken: string) =>
      token({ grant_type: 'refresh_token', client_id: fc.client.client_id, refresh_token: refreshToken });
    for (const forged of [
      secret!,
      `${grantId}.`,
      `.${secret}`,
      `{${grantId}}.${secret}`,
      `${grantId}}.${secret}`,
      `other-grant.${secret}`,
      `${grantId}.${secret}x`,
      `${'g'.repeat(300)}.${secret}`,
    ]) {
      const response = await refresh(forged);
      expect(response.status, forged).toBe(400);
      expect((await json(response))['error'], forged).toBe('invalid_grant');
      const revoked = await fetch(`${h.issuer}/oauth/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form({ token: forged, client_id: fc.client.client_id }),
      });
      expect(revoked.status, forged).toBe(200);
    }
    // Nothing above touched the grant: the real token rotates, keeping its grant id.
    const rotated = await refresh(issued);
    expect(rotated.status).toBe(200);
    const next = (await json(rotated))['refresh_token'] as string;
    expect(next).toMatch(format);
    expect(next.startsWith(`${grantId}.`)).toBe(true);
    expect(next).not.toBe(issued);
  });

  it('narrows the audience with resource at the token endpoint (RFC 8707 §2.2), never widens it', async () => {
    const fc = await registeredClient(h);
    const corp = h.resource('/mcp/corp');
    const github = h.resource('/mcp/github');
    const run = await login(fc, {}, { resource: corp });
    // openid was granted: the AS is an audience too (userinfo).
    expect(decodeJwt(run.tokens.access_token).aud).toEqual([corp, h.issuer]);
    const refreshed = await token({
      grant_type: 'refresh_token',
      client_id: fc.client.client_id,
      refresh_token: run.tokens.refresh_token!,
      resource: github,
    });
    const body = await json(refreshed);
    expect(decodeJwt(body['access_token'] as string).aud).toEqual([github, h.issuer]);
    const unknown = await token({
      grant_type: 'refresh_token',
      client_id: fc.client.client_id,
      refresh_token: body['refresh_token'] as string,
      resource: 'https://evil.example/',
    });
    expect((await json(unknown))['error']).toBe('invalid_target');

    const bound = await runChain(fc, { resource: github });
    const wider = await token({
      grant_type: 'authorization_code',
      client_id: fc.client.client_id,
      code: bound.callback.searchParams.get('code')!,
      code_verifier: bound.request.verifier,
      redirect_uri: bound.request.redirectUri,
      resource: corp,
    });
    expect((await json(wider))['error']).toBe('invalid_target');
  });

  it('extends the session upstream tokens to the grant end at redemption', async () => {
    const fc = await registeredClient(h);
    const run = await login(fc);
    const tsid = decodeJwt(run.tokens.access_token)['tsid'] as string;
    const held = await h.storage.getAllUpstreamTokens(tsid);
    for (const tokens of Object.values(held)) {
      expect(tokens.sessionExpiresAt).toBeGreaterThan(Date.now() + 6 * 86400 * 1000);
    }
  });

  it('issues no refresh token to a client registered without the refresh_token grant', async () => {
    const fc = await registeredClient(h, { grant_types: ['authorization_code'] });
    const run = await login(fc, { scope: 'openid offline_access' });
    expect(run.tokens.refresh_token).toBeUndefined();
  });

  it('serves userinfo from the user record for a Bearer access token with openid', async () => {
    const fc = await registeredClient(h);
    const run = await login(fc, { scope: 'openid profile email' });
    for (const method of ['GET', 'POST']) {
      const response = await fetch(`${h.issuer}/oauth/userinfo`, {
        method,
        headers: { authorization: `Bearer ${run.tokens.access_token}` },
      });
      const body = await json(response);
      expect(response.status).toBe(200);
      expect(body['sub']).toBe(decodeJwt(run.tokens.access_token).sub);
      expect(body['name']).toBeTypeOf('string');
      expect(body['email']).toBe('user-corp@example.com');
    }
    const noOpenid = await login(fc, { scope: 'profile' });
    const insufficient = await fetch(`${h.issuer}/oauth/userinfo`, {
      headers: { authorization: `Bearer ${noOpenid.tokens.access_token}` },
    });
    expect(insufficient.status).toBe(403);
    expect(insufficient.headers.get('www-authenticate')).toContain('insufficient_scope');
    const bad = await fetch(`${h.issuer}/oauth/userinfo`, {
      headers: { authorization: 'Bearer abc.def.ghi' },
    });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const none = await fetch(`${h.issuer}/oauth/userinfo`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('introspects for authenticated clients only (RFC 7662)', async () => {
    const fc = await registeredClient(h);
    const run = await login(fc);
    const introspect = (
      tokenValue: string,
      headers: Record<string, string>,
      extra: Record<string, string> = {},
    ) =>
      fetch(`${h.issuer}/oauth/introspect`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: form({ token: tokenValue, ...extra }),
      });
    const auth = { authorization: basic('static-confidential', 'static-client-secret-0123456789') };
    const active = await json(await introspect(run.tokens.access_token, auth));
    expect(active['active']).toBe(true);
    expect(active['client_id']).toBe(fc.client.client_id);
    expect(active['tsid']).toBe(decodeJwt(run.tokens.access_token)['tsid']);
    expect((await json(await introspect('garbage', auth)))['active']).toBe(false);
    // The refresh token of another client (here a public one): nothing to learn about it.
    expect((await json(await introspect(run.tokens.refresh_token!, auth)))['active']).toBe(false);
    const publicClient = await introspect(run.tokens.access_token, {}, { client_id: fc.client.client_id });
    expect(publicClient.status).toBe(401);
    expect((await json(publicClient))['error']).toBe('invalid_client');
  });

  it('introspects refresh tokens: the current one active, rotated, revoked or of another client not (RFC 7662)', async () => {
    const fc = await registeredClient(h, { token_endpoint_auth_method: 'client_secret_post' });
    const owner = { client_id: fc.client.client_id, client_secret: fc.client.client_secret! };
    const run = await login(fc);
    const first = run.tokens.refresh_token!;
    const introspect = async (tokenValue: string, extra: Record<string, string> = owner) => {
      const response = await fetch(`${h.issuer}/oauth/introspect`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form({ token: tokenValue, ...extra }),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      return json(response);
    };
    const grant = (await h.storage.getGrant(first.slice(0, first.indexOf('.'))))!;
    // RFC 7662 §2.2: no token_type (refresh_token is not an access token type).
    const expected = {
      active: true,
      client_id: fc.client.client_id,
      scope: 'openid offline_access',
      sub: decodeJwt(run.tokens.access_token)['sub'],
      exp: Math.floor(grant.expiresAt / 1000),
      iss: h.issuer,
    };
    expect(await introspect(first)).toEqual(expected);
    expect(await introspect(first, { ...owner, token_type_hint: 'refresh_token' })).toEqual(expected);
    expect(await introspect(first, { ...owner, token_type_hint: 'access_token' })).toEqual(expected);
    expect(await introspect(`${first}x`)).toEqual({ active: false });

    // Another authenticated client learns nothing about it.
    const other = { authorization: basic('static-confidential', 'static-client-secret-0123456789') };
    const foreign = await fetch(`${h.issuer}/oauth/introspect`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...other },
      body: form({ token: first, token_type_hint: 'refresh_token' }),
    });
    expect(await json(foreign)).toEqual({ active: false });

    // Rotation: the superseded token is inactive, and inspecting it revokes nothing.
    const refreshed = await json(
      await token({ grant_type: 'refresh_token', refresh_token: first, ...owner }),
    );
    const second = refreshed['refresh_token'] as string;
    expect(second).toBeTypeOf('string');
    expect(await introspect(first)).toEqual({ active: false });
    expect(await introspect(second)).toEqual(expected);

    // Revocation ends it.
    const revoked = await fetch(`${h.issuer}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form({ token: second, ...owner }),
    });
    expect(revoked.status).toBe(200);
    expect(await introspect(second)).toEqual({ active: false });

    // Still only for authenticated clients.
    const anonymous = await fetch(`${h.issuer}/oauth/introspect`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form({ token: second, client_id: fc.client.client_id }),
    });
    expect(anonymous.status).toBe(401);
    expectNoLeaks(h, [first, second, fc.client.client_secret]);
  });

  it('revoking an access token ends its session upstream tokens (RFC 7009)', async () => {
    const fc = await registeredClient(h);
    const run = await login(fc);
    const tsid = decodeJwt(run.tokens.access_token)['tsid'] as string;
    expect(Object.keys(await h.storage.getAllUpstreamTokens(tsid))).toHaveLength(2);
    const other = await registeredClient(h);
    const foreign = await fetch(`${h.issuer}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form({ token: run.tokens.access_token, client_id: other.client.client_id }),
    });
    expect(foreign.status).toBe(200);
    expect(Object.keys(await h.storage.getAllUpstreamTokens(tsid))).toHaveLength(2);
    const response = await fetch(`${h.issuer}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form({
        token: run.tokens.access_token,
        client_id: fc.client.client_id,
        token_type_hint: 'access_token',
      }),
    });
    expect(response.status).toBe(200);
    expect(await h.storage.getAllUpstreamTokens(tsid)).toEqual({});
    const missing = await fetch(`${h.issuer}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form({ client_id: fc.client.client_id }),
    });
    expect(missing.status).toBe(400);
    expect((await json(missing))['error']).toBe('invalid_request');
  });

  describe('dynamic registration (RFC 7591)', () => {
    const registerRaw = (body: unknown, contentType = 'application/json') =>
      fetch(`${h.issuer}/oauth/register`, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });

    it('returns client_id, client_secret for confidential clients, and client_id_issued_at', async () => {
      const response = await registerRaw({
        redirect_uris: ['https://app.example.com/cb'],
        client_name: 'App',
      });
      expect(response.status).toBe(201);
      const body = await json(response);
      expect(body['client_id']).toBeTypeOf('string');
      expect(body['client_secret']).toBeTypeOf('string');
      expect(body['token_endpoint_auth_method']).toBe('client_secret_basic');
      expect(body['client_id_issued_at']).toBeTypeOf('number');
      expect(body['client_name']).toBe('App');
      const publicClient = await json(
        await registerRaw({ redirect_uris: ['http://127.0.0.1/cb'], token_endpoint_auth_method: 'none' }),
      );
      expect(publicClient['client_secret']).toBeUndefined();
      expectNoLeaks(h, [body['client_secret'] as string]);
    });

    const rejected: Array<[string, unknown, string]> = [
      ['no redirect_uris', {}, 'invalid_redirect_uri'],
      ['empty redirect_uris', { redirect_uris: [] }, 'invalid_redirect_uri'],
      ['http non-loopback', { redirect_uris: ['http://app.example.com/cb'] }, 'invalid_redirect_uri'],
      ['fragment', { redirect_uris: ['https://app.example.com/cb#x'] }, 'invalid_redirect_uri'],
      ['relative', { redirect_uris: ['/cb'] }, 'invalid_redirect_uri'],
      ['custom scheme', { redirect_uris: ['javascript:alert(1)'] }, 'invalid_redirect_uri'],
      ['not strings', { redirect_uris: [1] }, 'invalid_client_metadata'],
      [
        'bad auth method',
        { redirect_uris: ['https://a.example/cb'], token_endpoint_auth_method: 'private_key_jwt' },
        'invalid_client_metadata',
      ],
      [
        'implicit grant',
        { redirect_uris: ['https://a.example/cb'], grant_types: ['implicit'] },
        'invalid_client_metadata',
      ],
      [
        'token response type',
        { redirect_uris: ['https://a.example/cb'], response_types: ['token'] },
        'invalid_client_metadata',
      ],
      [
        'unknown scope',
        { redirect_uris: ['https://a.example/cb'], scope: 'openid admin' },
        'invalid_client_metadata',
      ],
      ['array body', [], 'invalid_client_metadata'],
      [
        'a right-to-left override in client_name',
        { redirect_uris: ['https://a.example/cb'], client_name: 'gro.elpmaxe\u202e' },
        'invalid_client_metadata',
      ],
      [
        'a control character in software_id',
        { redirect_uris: ['https://a.example/cb'], software_id: 'a\u0000b' },
        'invalid_client_metadata',
      ],
      [
        'an http logo_uri',
        { redirect_uris: ['https://a.example/cb'], logo_uri: 'http://a.example/logo.png' },
        'invalid_client_metadata',
      ],
      [
        'a javascript client_uri',
        { redirect_uris: ['https://a.example/cb'], client_uri: 'javascript:alert(1)' },
        'invalid_client_metadata',
      ],
    ];
    for (const [label, body, error] of rejected) {
      it(`rejects ${label} with ${error}`, async () => {
        const response = await registerRaw(body);
        expect(response.status).toBe(400);
        expect((await json(response))['error']).toBe(error);
      });
    }

    it('rejects bad JSON and a non-JSON body with invalid_request', async () => {
      const bad = await registerRaw('{"redirect_uris": [');
      expect(bad.status).toBe(400);
      expect((await json(bad))['error']).toBe('invalid_request');
      const text = await registerRaw('redirect_uris=x', 'application/x-www-form-urlencoded');
      expect((await json(text))['error']).toBe('invalid_request');
    });
  });
});

describe('registration disabled', () => {
  it('answers 404 and does not advertise the endpoint', async () => {
    const h = await startHarness({ upstreams: [{ name: 'corp', mode: 'oidc' }], registration: false });
    try {
      const metadata = (await (
        await fetch(`${h.issuer}/.well-known/oauth-authorization-server`)
      ).json()) as Record<string, unknown>;
      expect(metadata['registration_endpoint']).toBeUndefined();
      const response = await fetch(`${h.issuer}/oauth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ redirect_uris: ['https://a.example/cb'] }),
      });
      expect(response.status).toBe(404);
      expect(((await response.json()) as { error: string }).error).toBe('not_found');
    } finally {
      await h.close();
    }
  });
});

describe('signing keys', () => {
  const pem = (type: 'rsa' | 'ed25519' | 'ec') => {
    const pair =
      type === 'rsa'
        ? generateKeyPairSync('rsa', { modulusLength: 2048 })
        : type === 'ec'
          ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
          : generateKeyPairSync('ed25519');
    return pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  };

  for (const [alg, type] of [
    ['RS256', 'rsa'],
    ['EdDSA', 'ed25519'],
  ] as const) {
    it(`signs with ${alg} from a PKCS8 PEM and publishes the verify-only key too`, async () => {
      const h = await startHarness({
        upstreams: [{ name: 'corp', mode: 'oidc' }],
        signingKeys: [
          { label: 'current.pem', alg, pem: pem(type) },
          { label: 'previous.pem', alg: 'ES256', pem: pem('ec') },
        ],
      });
      try {
        const jwks = h.as.jwks();
        // RS256 ID tokens are always offered: by the configured key, else a generated one.
        expect(jwks.keys.map((k) => k.alg)).toEqual(
          alg === 'RS256' ? [alg, 'ES256'] : [alg, 'ES256', 'RS256'],
        );
        const fc = await registeredClient(h);
        fc.client.id_token_signed_response_alg = alg;
        const run = await login(fc);
        const header = decodeProtectedHeader(run.tokens.access_token);
        expect(header.alg).toBe(alg);
        expect(header.kid).toBe(jwks.keys[0]!.kid);
        await jwtVerify(run.tokens.access_token, createLocalJWKSet(jwks), {
          typ: 'at+jwt',
          issuer: h.issuer,
        });
        expect(h.logs.lines.some((l) => l.includes('keys.ephemeral'))).toBe(false);
      } finally {
        await h.close();
      }
    });
  }

  it('refuses a key that does not match its algorithm', async () => {
    await expect(
      startHarness({
        upstreams: [{ name: 'corp', mode: 'oidc' }],
        signingKeys: [{ label: 'k.pem', alg: 'ES256', pem: pem('rsa') }],
      }),
    ).rejects.toMatchObject({ name: 'ChainOptionsError', code: 'ERR_CHAIN_INVALID_SIGNING_KEY' });
  });
});

describe('expiry (injected clock)', () => {
  it('refuses an expired code and an expired upstream leg', async () => {
    let offset = 0;
    const h = await startHarness({
      upstreams: [{ name: 'corp', mode: 'oidc' }],
      now: () => Date.now() + offset,
    });
    try {
      const fc = await registeredClient(h);
      const run = await runChain(fc);
      offset = 61_000; // the code lives 60 s
      const response = await fetch(`${h.issuer}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form({
          grant_type: 'authorization_code',
          client_id: fc.client.client_id,
          code: run.callback.searchParams.get('code')!,
          code_verifier: run.request.verifier,
          redirect_uri: run.request.redirectUri,
        }),
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toBe('invalid_grant');

      offset = 0;
      const stalled = await runChain(fc, {}, { stopAt: `${h.issuer}/oauth/callback/corp` });
      offset = 11 * 60_000; // a pending leg lives 10 min
      const late = await fetch(stalled.callback, { redirect: 'manual' });
      expect(late.status).toBe(400);
      expect(late.headers.get('location')).toBeNull();
    } finally {
      await h.close();
    }
  });
});
