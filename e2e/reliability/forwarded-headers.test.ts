import { type EchoedRequest, type GatewayLogin, loginThroughGateway, rawRequest } from '@auth/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopAll } from '../src/support/process.js';
import { SecretsSeen } from '../src/support/secrets.js';
import { type Stack, startStack, UPSTREAM_SECRETS } from '../src/support/stack.js';

/** What a client (or a proxy) may claim about the connection. */
const CLAIMS = {
  'x-forwarded-for': '203.0.113.9',
  'x-forwarded-proto': 'https',
  'x-forwarded-host': 'mcp.example.com',
  'x-forwarded-port': '443',
  'x-forwarded-prefix': '/elsewhere',
  forwarded: 'for=198.51.100.1;proto=https;host=evil.example',
  'x-real-ip': '198.51.100.1',
};

/**
 * Issue 11, item 9: client-sent `X-Forwarded-*`, `Forwarded` and `X-Real-IP` reached the
 * backends as sent. The gateway now drops them and sets its own, and believes them only from
 * a peer that `server.trust_proxy` names (here 127.0.0.2: loopback has a whole /8, so the
 * test can be a trusted load balancer and an untrusted client at once).
 */
describe('forwarded headers: the backend hears the gateway, not the client', () => {
  let stack: Stack;
  let login: GatewayLogin;
  const secrets = new SecretsSeen();

  beforeAll(async () => {
    stack = await startStack({
      editConfig: (config) => {
        config['server'] = { trust_proxy: ['127.0.0.2'] };
      },
    });
    login = await loginThroughGateway(stack.issuer, { username: 'frank' });
    secrets.addLogin(login);
    for (const [name, value] of Object.entries(UPSTREAM_SECRETS)) secrets.add(name, value);
  });
  afterAll(async () => {
    await stack?.stop();
    await stopAll();
  });

  async function through(path: string, localAddress: string): Promise<EchoedRequest> {
    const before = stack.corpBackend.received.length;
    const response = await rawRequest(stack.issuer, {
      path,
      localAddress,
      headers: { authorization: `Bearer ${login.tokens.access_token}`, ...CLAIMS },
    });
    expect(response.status).toBe(200);
    const [seen] = stack.corpBackend.received.slice(before);
    secrets.add('corp upstream access token', seen?.headers['authorization']);
    return seen!;
  }

  const fieldNames = (seen: EchoedRequest) =>
    seen.rawHeaders.filter((_, i) => i % 2 === 0).map((name) => name.toLowerCase());

  it('from an untrusted peer: the claims are dropped, the gateway says who connected', async () => {
    const seen = await through('/mcp/corp/untrusted', '127.0.0.1');
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen.headers['x-forwarded-proto']).toBe('http');
    expect(seen.headers['x-forwarded-host']).toBe(new URL(stack.issuer).host);
    for (const name of ['forwarded', 'x-real-ip', 'x-forwarded-port', 'x-forwarded-prefix'])
      expect(seen.headers[name], name).toBeUndefined();
    const names = fieldNames(seen);
    for (const name of ['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host'])
      expect(
        names.filter((n) => n === name),
        name,
      ).toHaveLength(1);
  });

  it('from a trusted proxy: X-Forwarded-For is appended to, Proto and Host are believed', async () => {
    const seen = await through('/mcp/corp/trusted', '127.0.0.2');
    expect(seen.headers['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.2');
    expect(seen.headers['x-forwarded-proto']).toBe('https');
    expect(seen.headers['x-forwarded-host']).toBe('mcp.example.com');
    // Fields the gateway does not interpret never pass, whoever sent them.
    for (const name of ['forwarded', 'x-real-ip', 'x-forwarded-port', 'x-forwarded-prefix'])
      expect(seen.headers[name], name).toBeUndefined();
  });

  it('the access log names the client address the gateway believes', async () => {
    const requestLines = () =>
      stack
        .gatewayOutput()
        .split('\n')
        .filter((line) => line.startsWith('{') && line.endsWith('}'))
        .map((line) => JSON.parse(line) as { msg?: string; path?: string; ip?: string })
        .filter((line) => line.msg === 'request');
    const ipOf = (path: string) => requestLines().find((line) => line.path === path)?.ip;
    await expect.poll(() => ipOf('/mcp/corp/untrusted'), { timeout: 5_000 }).toBeDefined();
    expect(ipOf('/mcp/corp/untrusted')).toBe('127.0.0.1');
    await expect.poll(() => ipOf('/mcp/corp/trusted'), { timeout: 5_000 }).toBe('203.0.113.9');
  });

  it('no token, code or secret of this run appears in the gateway logs', () => {
    expect(secrets.labels()).toContain('corp upstream access token');
    secrets.expectAbsentFrom(stack.gatewayOutput(), 'the gateway output');
  });
});
