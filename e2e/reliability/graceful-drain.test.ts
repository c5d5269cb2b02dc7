import { Agent } from 'node:http';
import { startRedisServer, type TestRedisServer } from '@auth/storage/testing';
import { freePort, type GatewayLogin, listen, loginThroughGateway, rawRequest } from '@auth/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, type RunningProcess, spawnCli, stopAll } from '../src/support/process.js';
import { SecretsSeen } from '../src/support/secrets.js';
import { GATEWAY_READY, type Stack, startStack, UPSTREAM_SECRETS } from '../src/support/stack.js';

/** A backend that never answers and records when the gateway gave up on a request. */
async function startHangingBackend() {
  let received = 0;
  let abandoned = 0;
  const server = await listen((_req, res) => {
    received += 1;
    res.on('close', () => {
      abandoned += 1;
    });
  });
  return { url: server.url, received: () => received, abandoned: () => abandoned, close: server.close };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Issue 11, item 15: after SIGTERM the gateway kept serving new requests on keep-alive
 * connections that were busy at the signal, so under steady traffic it never drained; and a
 * slow backend held the exit. Each test starts one more gateway process on the stack's config
 * (shared Redis and signing key, so the stack's login is valid there) and stops it with SIGTERM.
 */
describe('graceful shutdown drains under steady keep-alive traffic, bounded by the grace period', () => {
  let redis: TestRedisServer;
  let hanging: Awaited<ReturnType<typeof startHangingBackend>>;
  let stack: Stack;
  let login: GatewayLogin;
  const secrets = new SecretsSeen();
  const outputs: Array<() => string> = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    hanging = await startHangingBackend();
    stack = await startStack({
      redisUrl: redis.url,
      signingKey: true,
      extraRoutes: [{ path: '/mcp/hang', backend: hanging.url, upstream: 'corp' }],
      editConfig: (config) => {
        config['server'] = { shutdown_grace: '3s' };
      },
    });
    login = await loginThroughGateway(stack.issuer, { username: 'grace' });
    secrets.addLogin(login);
    for (const [name, value] of Object.entries(UPSTREAM_SECRETS)) secrets.add(name, value);
  });
  afterAll(async () => {
    await stack?.stop();
    await stopAll();
    await hanging?.close();
    await redis?.stop();
  });

  /** One more gateway process on the stack's config, on its own port. */
  async function extraGateway(): Promise<{ url: string; process: RunningProcess }> {
    const port = await freePort();
    const running = await spawnCli({
      name: `gateway-extra-${port}`,
      script: CLI.gateway,
      args: ['serve', '--config', stack.configPath, '--port', String(port)],
      env: { ...UPSTREAM_SECRETS },
      readyPattern: GATEWAY_READY,
      readyTimeoutMs: 45_000,
    });
    outputs.push(running.output);
    return { url: `http://127.0.0.1:${port}`, process: running };
  }
  const bearer = () => ({ authorization: `Bearer ${login.tokens.access_token}` });

  it('SIGTERM under steady keep-alive traffic: each connection closes after its response, the drain completes', async () => {
    const gateway = await extraGateway();
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    const slowAgent = new Agent({ keepAlive: true, maxSockets: 1 });
    const answers: Array<{ status: number; connection: string | undefined }> = [];
    const failures: string[] = [];
    let stopped = false;
    const loop = async () => {
      while (!stopped) {
        try {
          const response = await rawRequest(gateway.url, {
            path: '/mcp/corp/steady',
            headers: bearer(),
            agent,
          });
          answers.push({ status: response.status, connection: response.headers.connection });
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
          failures.push(code);
          if (code === 'ECONNREFUSED') return;
        }
      }
    };
    const loops = Array.from({ length: 4 }, loop);
    while (answers.length < 40) await sleep(20);
    // And one slow request in flight on its own kept-alive connection.
    const before = stack.corpBackend.received.length;
    const slow = rawRequest(gateway.url, {
      path: '/mcp/corp/slow?ms=1500',
      headers: bearer(),
      agent: slowAgent,
    });
    await expect
      .poll(() => stack.corpBackend.received.slice(before).some((r) => r.url.startsWith('/slow')), {
        timeout: 10_000,
      })
      .toBe(true);

    gateway.process.child.kill('SIGTERM');
    const code = await gateway.process.exited;
    stopped = true;
    await Promise.all(loops);
    agent.destroy();
    slowAgent.destroy();

    expect(code).toBe(0);
    expect(gateway.process.output()).toMatch(/"outcome":"drained"/);
    // The slow request finished, and its answer told the client the connection ends.
    const slowAnswer = await slow;
    expect(slowAnswer.status).toBe(200);
    expect(slowAnswer.headers.connection).toBe('close');
    // Every answer was a success. (Whether a steady connection was idle at the signal, and so
    // closed at once, or busy, and so answered with Connection: close, depends on the machine's
    // load: only the slow request above is sure to be in flight.)
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    expect(answers.filter((a) => a.connection !== 'close' && a.connection !== 'keep-alive')).toEqual([]);
    // A client only ever saw a refused connection, or a kept-alive one closed between requests.
    expect(failures.filter((f) => !['ECONNREFUSED', 'ECONNRESET', 'socket hang up'].includes(f))).toEqual([]);
  });

  it('SIGTERM with a backend that never answers: at the grace deadline the backend request is aborted and the process exits', async () => {
    const gateway = await extraGateway();
    const before = hanging.received();
    const pending = rawRequest(gateway.url, { path: '/mcp/hang/forever', headers: bearer() }).then(
      (response) => `answered ${response.status}`,
      (error: NodeJS.ErrnoException) => error.code ?? error.message,
    );
    await expect.poll(() => hanging.received(), { timeout: 10_000 }).toBe(before + 1);

    gateway.process.child.kill('SIGTERM');
    expect(await gateway.process.exited).toBe(0);
    expect(gateway.process.output()).toMatch(/"outcome":"forced"/);
    // The gateway gave up on the backend request (it did not leave it for the backend to end).
    await expect.poll(() => hanging.abandoned(), { timeout: 5_000 }).toBe(before + 1);
    expect(await pending).toMatch(/ECONNRESET|socket hang up|answered 503/);
  });

  it('no token, code or secret of this run appears in the gateway logs', () => {
    expect(secrets.size).toBeGreaterThan(0);
    secrets.expectAbsentFrom(
      [stack.gatewayOutput(), ...outputs.map((read) => read())].join('\n'),
      'the gateway output',
    );
  });
});
