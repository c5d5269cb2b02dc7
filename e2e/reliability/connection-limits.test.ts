import { type GatewayLogin, loginThroughGateway, rawRequest } from '@auth/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopAll } from '../src/support/process.js';
import { SecretsSeen } from '../src/support/secrets.js';
import { type Stack, startStack, UPSTREAM_SECRETS } from '../src/support/stack.js';
import { openRawSocket, type RawSocket } from './support/raw-socket.js';

const MAX_CONNECTIONS = 50;

/** Waits until every socket is closed (or `timeoutMs` passed) and returns the ones still open. */
async function untilClosed(sockets: RawSocket[], timeoutMs: number): Promise<RawSocket[]> {
  const deadline = Date.now() + timeoutMs;
  while (sockets.some((s) => !s.isClosed()) && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 50));
  return sockets.filter((s) => !s.isClosed());
}

/**
 * Issue 11, item 4: the gateway's request timeout was 0, so 40 sockets trickling a body one
 * byte at a time stayed open for as long as they liked. Header, request and keep-alive
 * timeouts and a connection cap now come from the `server:` section; these tests use short
 * ones so they run in seconds.
 */
describe('client connections are bounded', () => {
  let stack: Stack;
  let login: GatewayLogin;
  const secrets = new SecretsSeen();
  const all: RawSocket[] = [];

  beforeAll(async () => {
    stack = await startStack({
      editConfig: (config) => {
        config['server'] = {
          headers_timeout: '2s',
          request_timeout: '3s',
          keep_alive_timeout: '1s',
          max_connections: MAX_CONNECTIONS,
        };
      },
    });
    login = await loginThroughGateway(stack.issuer, { username: 'erin' });
    secrets.addLogin(login);
    for (const [name, value] of Object.entries(UPSTREAM_SECRETS)) secrets.add(name, value);
  });
  afterAll(async () => {
    for (const socket of all) socket.destroy();
    await stack?.stop();
    await stopAll();
  });

  const open = async (first: string) => {
    const socket = await openRawSocket(stack.issuer, first);
    all.push(socket);
    return socket;
  };
  const host = () => new URL(stack.issuer).host;

  it('40 clients trickling a body one byte every 250 ms are cut with 408 at the request timeout', async () => {
    const head =
      `POST /mcp/corp/upload HTTP/1.1\r\nHost: ${host()}\r\n` +
      `Authorization: Bearer ${login.tokens.access_token}\r\n` +
      'Content-Type: application/octet-stream\r\nContent-Length: 1000\r\n\r\n';
    const sockets = await Promise.all(Array.from({ length: 40 }, () => open(head)));
    for (const socket of sockets) socket.trickle('x', 250, 1000);
    // The whole body would take 250 s; the server must end each connection long before.
    expect(await untilClosed(sockets, 20_000)).toHaveLength(0);
    for (const socket of sockets) {
      expect(socket.received()).toMatch(/^HTTP\/1\.1 408 /);
      expect(socket.sent()).toBeLessThan(head.length + 1000);
    }
  });

  it('10 clients trickling their request headers are cut with 408 at the headers timeout', async () => {
    const sockets = await Promise.all(
      Array.from({ length: 10 }, () => open(`GET /healthz HTTP/1.1\r\nHost: ${host()}\r\nX-Slow: `)),
    );
    for (const socket of sockets) socket.trickle('a', 250, 1000);
    expect(await untilClosed(sockets, 20_000)).toHaveLength(0);
    for (const socket of sockets) expect(socket.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('a server-sent event stream outlives the request timeout (it bounds the request, not the response)', async () => {
    const response = await fetch(`${stack.issuer}/mcp/corp/sse?count=5&interval_ms=1000`, {
      headers: { authorization: `Bearer ${login.tokens.access_token}`, accept: 'text/event-stream' },
      signal: AbortSignal.timeout(20_000),
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    // Five events a second apart: the stream was open for 4 s, longer than the 3 s request timeout.
    expect([...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]))).toEqual([1, 2, 3, 4, 5]);
  });

  it('an idle kept-alive connection is closed by the server after the keep-alive timeout', async () => {
    const socket = await open(`GET /healthz HTTP/1.1\r\nHost: ${host()}\r\n\r\n`);
    expect(await untilClosed([socket], 15_000)).toHaveLength(0);
    expect(socket.received()).toMatch(/^HTTP\/1\.1 200 /);
    expect(socket.received()).toMatch(/keep-alive/i);
  });

  it(`at most ${MAX_CONNECTIONS} connections are open at once: the ones beyond are closed unanswered`, async () => {
    const extra = 8;
    const sockets = await Promise.all(
      Array.from({ length: MAX_CONNECTIONS + extra }, () =>
        open(`GET /healthz HTTP/1.1\r\nHost: ${host()}\r\n`),
      ),
    );
    // The accepted ones are ended by the headers timeout with 408; the dropped ones got nothing.
    expect(await untilClosed(sockets, 20_000)).toHaveLength(0);
    const unanswered = sockets.filter((s) => s.received() === '').length;
    const timedOut = sockets.filter((s) => /^HTTP\/1\.1 408 /.test(s.received())).length;
    expect(unanswered + timedOut).toBe(sockets.length);
    expect(unanswered).toBeGreaterThanOrEqual(extra);
    expect(timedOut).toBeGreaterThan(0);
    expect(timedOut).toBeLessThanOrEqual(MAX_CONNECTIONS);
    // Below the cap again, new connections are served.
    expect((await rawRequest(stack.issuer, { path: '/healthz' })).status).toBe(200);
    expect(stack.gatewayOutput()).toMatch(/connection limit reached/);
  });

  it('no token, code or secret of this run appears in the gateway logs', () => {
    secrets.expectAbsentFrom(stack.gatewayOutput(), 'the gateway output');
  });
});
