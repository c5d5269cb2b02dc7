import { createServer } from 'node:http';
import { Writable } from 'node:stream';
import { parseConfig } from '@auth/config';
import { type EchoBackend, type Listening, listen, startEchoBackend } from '@auth/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logging/create-logger.js';
import { createGateway, type Gateway } from './create-gateway.js';

const lines: Array<Record<string, unknown>> = [];
const capture = new Writable({
  write(chunk, _encoding, done) {
    for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    done();
  },
});

let server: Listening;
let backend: EchoBackend;
let gateway: Gateway;
let url: string;

beforeAll(async () => {
  backend = await startEchoBackend({ name: 'corp-backend' });
  server = await listen(createServer());
  url = server.url;
  const config = parseConfig({
    issuer: url,
    upstreams: [
      { name: 'corp', type: 'oidc', issuer: 'http://127.0.0.1:9', client_id: 'gateway', scopes: ['openid'] },
    ],
    routes: [{ path: '/mcp/corp', backend: backend.url }],
  });
  gateway = await createGateway({
    config,
    logger: createLogger({ destination: capture }),
    warnOnMemoryStorage: false,
  });
  server.server.on('request', gateway.app);
});

afterAll(async () => {
  await server.close();
  await gateway.close();
  await backend.close();
});

describe('createGateway', () => {
  it('logs the full request path of a protected route (regression: the mount prefix was stripped)', async () => {
    const response = await fetch(`${url}/mcp/corp/tools?cursor=abc`);
    expect(response.status).toBe(401);
    const line = lines.find((entry) => entry.msg === 'request' && entry.status === 401);
    expect(line?.path).toBe('/mcp/corp/tools');
    expect(JSON.stringify(lines)).not.toContain('cursor=abc');
  });

  it('logs the client address, and believes no X-Forwarded-For by default (server.trust_proxy: false)', async () => {
    const response = await fetch(`${url}/mcp/corp/whoami`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(response.status).toBe(401);
    const line = lines.find((entry) => entry.msg === 'request' && entry.path === '/mcp/corp/whoami');
    expect(line?.ip).toBe('127.0.0.1');
  });

  it('serves RFC 9728 metadata naming the authorization server, and points 401s at it', async () => {
    const bare = await fetch(`${url}/mcp/corp`);
    expect(bare.status).toBe(401);
    const challenge = bare.headers.get('www-authenticate') ?? '';
    expect(challenge).toContain(`resource_metadata="${url}/.well-known/oauth-protected-resource/mcp/corp"`);
    expect(challenge).not.toContain('error=');
    const metadata = (await (
      await fetch(`${url}/.well-known/oauth-protected-resource/mcp/corp`)
    ).json()) as Record<string, unknown>;
    expect(metadata.resource).toBe(`${url}/mcp/corp`);
    expect(metadata.authorization_servers).toEqual([url]);
    expect(backend.received).toEqual([]);
  });

  it('answers /healthz, and /readyz from storage (503 once storage is closed)', async () => {
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    await gateway.storage.close();
    const notReady = await fetch(`${url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ status: 'unavailable', reason: 'storage unreachable' });
  });
});
