import {
  type EchoBackend,
  type GatewayLogin,
  loginThroughGateway,
  rawRequest,
  startEchoBackend,
} from '@auth/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopAll } from '../src/support/process.js';
import { SecretsSeen } from '../src/support/secrets.js';
import { type Stack, startStack, UPSTREAM_SECRETS } from '../src/support/stack.js';

/**
 * Issue 11, item 8: dot segments were forwarded raw, so `/mcp/c/../admin` reached the
 * backend as `/corp-api/../admin` with the route's upstream token attached. Paths are now
 * normalized (RFC 3986 §5.2.4) and a path that leaves its route is refused.
 */
describe('proxy paths: dot segments never leave the route', () => {
  let api: EchoBackend;
  let stack: Stack;
  let login: GatewayLogin;
  const secrets = new SecretsSeen();

  beforeAll(async () => {
    api = await startEchoBackend({ name: 'corp-api' });
    stack = await startStack({
      extraRoutes: [{ path: '/mcp/c', backend: `${api.url}/corp-api`, upstream: 'corp' }],
    });
    login = await loginThroughGateway(stack.issuer, { username: 'dora' });
    secrets.addLogin(login);
    for (const [name, value] of Object.entries(UPSTREAM_SECRETS)) secrets.add(name, value);
  });
  afterAll(async () => {
    await stack?.stop();
    await api?.close();
    await stopAll();
  });

  const send = (path: string) =>
    rawRequest(stack.issuer, { path, headers: { authorization: `Bearer ${login.tokens.access_token}` } });
  const backendsSeen = () =>
    api.received.length + stack.corpBackend.received.length + stack.githubBackend.received.length;

  it.each([
    '/mcp/c/../admin',
    '/mcp/c/%2e%2e/admin',
    '/mcp/c/%2E%2e/admin',
    '/mcp/c/.%2E/admin',
    '/mcp/c/x/../../admin',
    '/mcp/c/..',
    '/mcp/c/..?x=1',
    '/MCP/C/../admin',
    // Encoded slashes and backslashes stay as sent, but a backend that decodes them or reads `\` as `/`
    // (WHATWG URL does) would climb out: refused as well.
    '/mcp/c/..%2Fadmin',
    '/mcp/c/..%2fadmin',
    '/mcp/c/..%5Cadmin',
    '/mcp/c/..\\admin',
    '/mcp/c/x\\..\\..\\admin',
    // Into another route: never proxied with this route's token, nor with the other route's.
    '/mcp/c/../corp/tools',
    '/mcp/c/%2e%2e/github/user',
    // Into a route from outside every route: the readings disagree, so it is refused too.
    '/oauth/../mcp/c/tools',
  ])('%s → 400 invalid_request, nothing reaches a backend', async (path) => {
    const before = backendsSeen();
    const response = await send(path);
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toContain('application/json');
    expect(JSON.parse(response.body)).toEqual({
      error: 'invalid_request',
      error_description: 'Dot segments in the request path change its route.',
    });
    expect(backendsSeen()).toBe(before);
  });

  it.each([
    ['/mcp/c/x/../tools', '/corp-api/tools'],
    ['/mcp/c/./tools', '/corp-api/tools'],
    ['/mcp/c/%2e/tools/%2E%2E/list', '/corp-api/list'],
    ['/mcp/c/.', '/corp-api/'],
    ['/mcp/c/tools?next=../../admin', '/corp-api/tools?next=../../admin'],
    // RFC 3986 §2.2: an encoded slash is data, not a delimiter; it is forwarded as sent.
    ['/mcp/c/repos/a%2Fb', '/corp-api/repos/a%2Fb'],
  ])('%s stays in the route: the backend gets %s with the corp token', async (path, expected) => {
    const before = api.received.length;
    const response = await send(path);
    expect(response.status).toBe(200);
    const seen = api.received.slice(before);
    expect(seen.map((r) => r.url)).toEqual([expected]);
    expect(seen[0]?.headers['authorization']).toMatch(/^Bearer midp/);
    secrets.add('corp upstream access token', seen[0]?.headers['authorization']);
  });

  it('no token, code or secret of this run appears in the gateway logs', () => {
    expect(secrets.labels()).toContain('corp upstream access token');
    secrets.expectAbsentFrom(stack.gatewayOutput(), 'the gateway output');
  });
});
