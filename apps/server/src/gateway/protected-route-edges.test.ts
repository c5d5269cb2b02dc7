import { createServer } from 'node:http';
import { parseConfig } from '@auth/config';
import {
  type EchoBackend,
  type Listening,
  listen,
  loginThroughGateway,
  type MockIdp,
  rawRequest,
  startEchoBackend,
  startMockIdp,
} from '@auth/test-kit';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from './create-gateway.js';

/** The kit's `rawRequest` (headers exactly as given: fetch decides Host itself) to an absolute URL. */
const send = (target: string, options: Parameters<typeof rawRequest>[1] = {}) => {
  const { origin, pathname, search } = new URL(target);
  return rawRequest(origin, { ...options, path: `${pathname}${search}` });
};

/** Issue 10 items 3, 7 and 8 on the reference server's MCP routes; each test failed before its change. */
describe('MCP routes of the reference server: one token, its scope, DNS rebinding', () => {
  let server: Listening;
  let idp: MockIdp;
  let backend: EchoBackend;
  let gateway: Gateway;
  let url: string;
  let token: string;
  const route = () => `${url}/mcp/corp`;

  beforeAll(async () => {
    backend = await startEchoBackend({ name: 'corp-backend' });
    server = await listen(createServer());
    url = server.url;
    idp = await startMockIdp({
      mode: 'oidc',
      clientId: 'gateway',
      clientSecret: 'edges-idp-secret-0123456789',
      redirectUris: [`${url}/oauth/callback/corp`],
    });
    const config = parseConfig(
      {
        issuer: url,
        upstreams: [
          {
            name: 'corp',
            type: 'oidc',
            issuer: idp.issuer,
            client_id: 'gateway',
            client_secret_env: 'CORP_SECRET',
            scopes: ['openid', 'offline_access'],
          },
        ],
        routes: [{ path: '/mcp/corp', backend: backend.url }],
        allowed_hosts: ['gw.example.com'],
        allowed_origins: ['https://app.example.com'],
      },
      { env: { CORP_SECRET: 'edges-idp-secret-0123456789' } },
    );
    gateway = await createGateway({ config, logger: pino({ level: 'silent' }), warnOnMemoryStorage: false });
    server.server.on('request', gateway.app);
    token = (await loginThroughGateway(url, { username: 'alice' })).tokens.access_token;
  });
  afterAll(async () => {
    await server?.close();
    await gateway?.close();
    await idp?.close();
    await backend?.close();
  });

  const bearer = () => ({ authorization: `Bearer ${token}` });

  it("names the AS's scopes in the route's 401 challenge (RFC 6750 §3, MCP scope selection)", async () => {
    const response = await send(route());
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe(
      `Bearer scope="openid profile email offline_access", resource_metadata="${url}/.well-known/oauth-protected-resource/mcp/corp"`,
    );
  });

  it('refuses a token in the header and the query with 400 invalid_request; the backend never sees it', async () => {
    const before = backend.received.length;
    const twice = await send(`${route()}/tools?access_token=${token}`, { headers: bearer() });
    expect(twice.status).toBe(400);
    expect(JSON.parse(twice.body)).toMatchObject({ error: 'invalid_request' });
    const inUrl = await send(`${route()}/tools?access_token=${token}`);
    expect(inUrl.status).toBe(400);
    expect(backend.received.length).toBe(before);
  });

  it('never forwards an access_token query parameter, used or not', async () => {
    const answer = await send(`${route()}/tools?a=1&access_token=&b=2`, { headers: bearer() });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).url).toBe('/tools?a=1&b=2');
  });

  it('proxies a form body holding access_token untouched (route bodies are never parsed)', async () => {
    const body = `access_token=${token}&x=1`;
    const answer = await send(route(), {
      method: 'POST',
      headers: { ...bearer(), 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).body).toBe(body);
  });

  it('refuses a foreign Host with 403 and a JSON error before anything else, and never proxies it', async () => {
    const before = backend.received.length;
    for (const host of ['evil.example', `evil.example:${server.port}`, 'gw.example.com:8443']) {
      for (const headers of [{ host }, { host, ...bearer() }]) {
        const response = await send(route(), { headers });
        expect(response.status, host).toBe(403);
        expect(response.headers['content-type'], host).toMatch(/^application\/json/);
        expect(JSON.parse(response.body), host).toEqual({
          error: 'forbidden',
          error_description: 'The request Host is not allowed.',
        });
      }
    }
    expect(backend.received.length).toBe(before);
  });

  it("accepts the issuer's host, its loopback aliases and allowed_hosts", async () => {
    for (const host of [
      `127.0.0.1:${server.port}`,
      `localhost:${server.port}`,
      'gw.example.com',
      'GW.example.com:80',
    ]) {
      const response = await send(route(), { headers: { host, ...bearer() } });
      expect(response.status, host).toBe(200);
    }
  });

  it("refuses a foreign Origin with 403; accepts none, the issuer's origin and allowed_origins", async () => {
    for (const origin of [
      'https://evil.example',
      'null',
      'http://127.0.0.1:1',
      'https://app.example.com:8443',
    ]) {
      const response = await send(route(), { headers: { origin, ...bearer() } });
      expect(response.status, origin).toBe(403);
      expect(JSON.parse(response.body), origin).toEqual({
        error: 'forbidden',
        error_description: 'The request Origin is not allowed.',
      });
    }
    for (const origin of [url, 'https://app.example.com', 'HTTPS://APP.example.com:443']) {
      const response = await send(route(), { headers: { origin, ...bearer() } });
      expect(response.status, origin).toBe(200);
    }
  });

  it('leaves the authorization server and the metadata documents to their own rules', async () => {
    const metadata = await send(`${url}/.well-known/oauth-protected-resource/mcp/corp`, {
      headers: { host: 'evil.example' },
    });
    expect(metadata.status).toBe(200);
  });
});
