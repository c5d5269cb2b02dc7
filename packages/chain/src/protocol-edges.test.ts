import { generateKeyPairSync } from 'node:crypto';
import { insecure, login, runChain } from '@auth/test-kit';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, importPKCS8, jwtVerify, SignJWT } from 'jose';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registeredClient } from './test-support/flow.js';
import { type Harness, startHarness } from './test-support/gateway-harness.js';

const form = (body: Record<string, string>) => new URLSearchParams(body).toString();
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
const json = async (response: Response) => (await response.json()) as Record<string, unknown>;
const audienceOf = (token: string) => {
  const { aud } = decodeJwt(token);
  return Array.isArray(aud) ? aud : [aud];
};

const SIGNING_PEM = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();
const STATIC_SECRET = 'edges-static-secret-0123456789';

/** Issue 10 items 3 and 7 at the authorization server: each test failed before its change. */
describe('protocol edges real clients check', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      upstreams: [{ name: 'corp', mode: 'oidc' }],
      routes: ['/mcp/corp', '/mcp/other'],
      signingKeys: [{ label: 'current.pem', alg: 'ES256', pem: SIGNING_PEM }],
      clients: [
        {
          clientId: 'static-rs256',
          clientSecret: STATIC_SECRET,
          redirectUris: ['http://127.0.0.1:8765/callback'],
          trusted: true,
          idTokenSignedResponseAlg: 'RS256',
        },
      ],
    });
  });
  afterAll(async () => {
    await h.close();
  });

  const userinfo = (init: RequestInit & { query?: string } = {}) =>
    fetch(`${h.issuer}/oauth/userinfo${init.query ?? ''}`, init);

  describe('one token per request; userinfo only for tokens naming the AS (RFC 6750 §2, RFC 9068 §4)', () => {
    it('userinfo takes the token from a POST form body (RFC 6750 §2.2)', async () => {
      const fc = await registeredClient(h);
      const run = await login(fc, { scope: 'openid profile' });
      const response = await userinfo({
        method: 'POST',
        headers: FORM,
        body: form({ access_token: run.tokens.access_token }),
      });
      expect(response.status).toBe(200);
      expect((await json(response))['sub']).toBe(decodeJwt(run.tokens.access_token).sub);
    });

    it('answers 400 invalid_request to a token sent in two ways, at userinfo and at every other endpoint', async () => {
      const fc = await registeredClient(h);
      const { access_token: token } = (await login(fc)).tokens;
      const twice: Array<[string, RequestInit & { query?: string }]> = [
        [
          'header + query',
          { headers: { authorization: `Bearer ${token}` }, query: `?access_token=${token}` },
        ],
        [
          'header + body',
          {
            method: 'POST',
            headers: { ...FORM, authorization: `Bearer ${token}` },
            body: form({ access_token: token }),
          },
        ],
        [
          'body + query',
          {
            method: 'POST',
            headers: FORM,
            body: form({ access_token: token }),
            query: `?access_token=${token}`,
          },
        ],
      ];
      for (const [label, init] of twice) {
        const response = await userinfo(init);
        expect(response.status, label).toBe(400);
        expect((await json(response))['error'], label).toBe('invalid_request');
        expect(response.headers.get('www-authenticate'), label).toContain('error="invalid_request"');
      }
      for (const path of [
        '/oauth/token',
        '/oauth/revoke',
        '/oauth/introspect',
        '/oauth/authorize',
        '/.well-known/jwks.json',
      ]) {
        const get = path === '/oauth/authorize' || path.startsWith('/.well-known');
        const viaQuery = await fetch(`${h.issuer}${path}?access_token=${token}`, {
          method: get ? 'GET' : 'POST',
          headers: { ...FORM, authorization: `Bearer ${token}` },
          ...(get ? {} : { body: form({ token, client_id: fc.client.client_id }) }),
        });
        expect(viaQuery.status, `${path} header + query`).toBe(400);
        expect((await json(viaQuery))['error'], path).toBe('invalid_request');
        if (get) continue;
        const viaBody = await fetch(`${h.issuer}${path}`, {
          method: 'POST',
          headers: { ...FORM, authorization: `Bearer ${token}` },
          body: form({ token, client_id: fc.client.client_id, access_token: token }),
        });
        expect(viaBody.status, `${path} header + body`).toBe(400);
        expect((await json(viaBody))['error'], path).toBe('invalid_request');
      }
    });

    it('userinfo refuses a token in the query alone (RFC 6750 §2.3 is not supported)', async () => {
      const fc = await registeredClient(h);
      const { access_token: token } = (await login(fc)).tokens;
      const response = await userinfo({ query: `?access_token=${token}` });
      expect(response.status).toBe(400);
      expect((await json(response))['error']).toBe('invalid_request');
    });

    it('adds the issuer to the audience when openid is granted, also for a token bound to one route', async () => {
      const fc = await registeredClient(h);
      const corp = h.resource('/mcp/corp');
      const bound = await login(fc, { scope: 'openid offline_access', resource: corp }, { resource: corp });
      expect(audienceOf(bound.tokens.access_token).sort()).toEqual([corp, h.issuer].sort());
      const ok = await userinfo({ headers: { authorization: `Bearer ${bound.tokens.access_token}` } });
      expect(ok.status).toBe(200);
      // A refresh narrowed to no openid: the route alone.
      const narrowed = await json(
        await fetch(`${h.issuer}/oauth/token`, {
          method: 'POST',
          headers: FORM,
          body: form({
            grant_type: 'refresh_token',
            client_id: fc.client.client_id,
            refresh_token: bound.tokens.refresh_token!,
            scope: 'offline_access',
          }),
        }),
      );
      expect(audienceOf(narrowed['access_token'] as string)).toEqual([corp]);
      const unbound = await login(fc, { scope: 'offline_access' });
      expect(audienceOf(unbound.tokens.access_token).sort()).toEqual([corp, h.resource('/mcp/other')].sort());
    });

    it('userinfo refuses an openid token whose audience is a route alone (401 invalid_token)', async () => {
      const fc = await registeredClient(h);
      const { access_token: real } = (await login(fc)).tokens;
      const claims = decodeJwt(real);
      const { kid } = decodeProtectedHeader(real);
      const routeOnly = await new SignJWT({ ...claims, aud: h.resource('/mcp/corp'), scope: 'openid' })
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', ...(kid === undefined ? {} : { kid }) })
        .sign(await importPKCS8(SIGNING_PEM, 'ES256'));
      const response = await userinfo({ headers: { authorization: `Bearer ${routeOnly}` } });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
    });
  });

  describe('protocol details (OIDC Discovery §3, RFC 9068, RFC 7662, RFC 6749 §5.2, RFC 6750 §3, RFC 3986)', () => {
    it('offers RS256 ID tokens besides the signing algorithm, with the RS256 key in the JWKS', async () => {
      const metadata = await json(await fetch(`${h.issuer}/.well-known/openid-configuration`));
      expect(metadata['id_token_signing_alg_values_supported']).toEqual(['ES256', 'RS256']);
      const jwks = await json(await fetch(`${h.issuer}/.well-known/jwks.json`));
      const keys = jwks['keys'] as Array<Record<string, unknown>>;
      expect(keys.map((k) => k['alg'])).toEqual(['ES256', 'RS256']);
      expect(keys.every((k) => k['use'] === 'sig' && k['d'] === undefined)).toBe(true);
      expect(h.logs.lines.some((l) => l.includes('keys.generated_rs256'))).toBe(true);
    });

    it('signs the ID tokens of a client registering id_token_signed_response_alg RS256 with RS256', async () => {
      const fc = await registeredClient(h, { id_token_signed_response_alg: 'RS256' });
      fc.client.id_token_signed_response_alg = 'RS256';
      const run = await login(fc);
      const idToken = run.tokens.id_token!;
      expect(decodeProtectedHeader(idToken).alg).toBe('RS256');
      await jwtVerify(idToken, createLocalJWKSet(h.as.jwks() as never), {
        issuer: h.issuer,
        audience: fc.client.client_id,
      });
      // The access token keeps the signing key; a client registering nothing gets the signing algorithm.
      expect(decodeProtectedHeader(run.tokens.access_token).alg).toBe('ES256');
      const plain = await login(await registeredClient(h));
      expect(decodeProtectedHeader(plain.tokens.id_token!).alg).toBe('ES256');
    });

    it('echoes id_token_signed_response_alg at registration and refuses one it cannot sign with', async () => {
      const register = (metadata: Record<string, unknown>) =>
        fetch(`${h.issuer}/oauth/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ redirect_uris: ['https://app.example.com/cb'], ...metadata }),
        });
      const ok = await json(await register({ id_token_signed_response_alg: 'RS256' }));
      expect(ok['id_token_signed_response_alg']).toBe('RS256');
      for (const alg of ['none', 'HS256', 'EdDSA', 42]) {
        const refused = await register({ id_token_signed_response_alg: alg });
        expect(refused.status, String(alg)).toBe(400);
        expect((await json(refused))['error'], String(alg)).toBe('invalid_client_metadata');
      }
    });

    it('a static client with idTokenSignedResponseAlg RS256 gets RS256 ID tokens', async () => {
      const as = await oauth.processDiscoveryResponse(
        new URL(h.issuer),
        await oauth.discoveryRequest(new URL(h.issuer), { ...insecure, algorithm: 'oauth2' }),
      );
      const run = await login({
        as,
        client: {
          client_id: 'static-rs256',
          client_secret: STATIC_SECRET,
          token_endpoint_auth_method: 'client_secret_basic',
          id_token_signed_response_alg: 'RS256',
        },
      });
      expect(decodeProtectedHeader(run.tokens.id_token!).alg).toBe('RS256');
    });

    it('an empty granted scope is no scope claim (RFC 9068 §2.2.3), in the token and at introspection', async () => {
      const fc = await registeredClient(h);
      const run = await login(fc, { scope: '' });
      const claims = decodeJwt(run.tokens.access_token);
      expect(claims).not.toHaveProperty('scope');
      expect(run.tokens.scope).toBeUndefined();
      const introspected = await json(
        await fetch(`${h.issuer}/oauth/introspect`, {
          method: 'POST',
          headers: { ...FORM, authorization: basic('static-rs256', STATIC_SECRET) },
          body: form({ token: run.tokens.access_token }),
        }),
      );
      expect(introspected['active']).toBe(true);
      expect(introspected).not.toHaveProperty('scope');
    });

    it('introspection gives access tokens token_type Bearer and refresh tokens none (RFC 7662 §2.2)', async () => {
      const fc = await registeredClient(h, { token_endpoint_auth_method: 'client_secret_post' });
      const run = await login(fc);
      const introspect = async (token: string) =>
        json(
          await fetch(`${h.issuer}/oauth/introspect`, {
            method: 'POST',
            headers: FORM,
            body: form({ token, client_id: fc.client.client_id, client_secret: fc.client.client_secret! }),
          }),
        );
      const access = await introspect(run.tokens.access_token);
      expect(access['active']).toBe(true);
      expect(access['token_type']).toBe('Bearer');
      const refresh = await introspect(run.tokens.refresh_token!);
      expect(refresh['active']).toBe(true);
      expect(refresh).not.toHaveProperty('token_type');
    });

    it('every invalid_client 401 carries WWW-Authenticate: Basic, also without an Authorization header', async () => {
      const fc = await registeredClient(h, { token_endpoint_auth_method: 'client_secret_post' });
      const cases: Array<[string, string, Record<string, string>]> = [
        [
          '/oauth/token',
          'wrong post secret',
          {
            grant_type: 'refresh_token',
            refresh_token: 'x',
            client_id: fc.client.client_id,
            client_secret: 'wrong',
          },
        ],
        [
          '/oauth/token',
          'unknown client',
          { grant_type: 'refresh_token', refresh_token: 'x', client_id: 'nobody' },
        ],
        ['/oauth/token', 'no client', { grant_type: 'refresh_token', refresh_token: 'x' }],
        [
          '/oauth/revoke',
          'wrong post secret',
          { token: 'x', client_id: fc.client.client_id, client_secret: 'wrong' },
        ],
        [
          '/oauth/introspect',
          'public client',
          { token: 'x', client_id: (await registeredClient(h)).client.client_id },
        ],
      ];
      for (const [path, label, body] of cases) {
        const response = await fetch(`${h.issuer}${path}`, {
          method: 'POST',
          headers: FORM,
          body: form(body),
        });
        expect(response.status, `${path} ${label}`).toBe(401);
        expect(response.headers.get('www-authenticate'), `${path} ${label}`).toMatch(/^Basic realm=/);
      }
    });

    it("userinfo's 403 insufficient_scope names the scope it needs (RFC 6750 §3)", async () => {
      const fc = await registeredClient(h);
      const run = await login(fc, { scope: 'profile' });
      const response = await userinfo({ headers: { authorization: `Bearer ${run.tokens.access_token}` } });
      expect(response.status).toBe(403);
      const challenge = response.headers.get('www-authenticate') ?? '';
      expect(challenge).toContain('error="insufficient_scope"');
      expect(challenge).toContain('scope="openid"');
    });

    it('compares resource values after RFC 3986 §6.2.2 normalization at authorize and token; paths exact', async () => {
      const fc = await registeredClient(h);
      const corp = h.resource('/mcp/corp');
      const shouting = corp.replace(/^http:\/\/127\.0\.0\.1/, 'HTTP://127.0.0.1');
      const run = await login(fc, { resource: shouting, scope: 'offline_access' }, { resource: shouting });
      // The token names the configured spelling, which the route compares exactly.
      expect(decodeJwt(run.tokens.access_token).aud).toBe(corp);
      const refreshed = await fetch(`${h.issuer}/oauth/token`, {
        method: 'POST',
        headers: FORM,
        body: form({
          grant_type: 'refresh_token',
          client_id: fc.client.client_id,
          refresh_token: run.tokens.refresh_token!,
          resource: corp.replace('http:', 'Http:'),
        }),
      });
      expect(refreshed.status).toBe(200);
      expect(decodeJwt((await json(refreshed))['access_token'] as string).aud).toBe(corp);
      for (const other of [`${corp}/`, corp.replace('/mcp/corp', '/MCP/corp'), `${corp}#x`]) {
        const refused = await runChain(fc, { resource: other });
        expect(refused.callback.searchParams.get('error'), other).toBe('invalid_target');
      }
    });
  });
});
