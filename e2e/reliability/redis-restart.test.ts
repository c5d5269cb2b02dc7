import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedisServer, type TestRedisServer } from '@auth/storage/testing';
import { type GatewayLogin, loginThroughGateway } from '@auth/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopAll } from '../src/support/process.js';
import { SecretsSeen } from '../src/support/secrets.js';
import { type Stack, startStack, UPSTREAM_SECRETS } from '../src/support/stack.js';
import { callRoute, sleep } from './support/reliability-kit.js';

type Phase = 'up' | 'down' | 'restarting' | 'recovered';

interface Answer {
  phase: Phase;
  /** Whether the request both started and ended in `phase`. */
  settled: boolean;
  status: number;
  /** The upstream token the backend received, if any. */
  upstream: string | undefined;
}

/**
 * Issue 11 "It must show": Redis restarts under traffic (proxied requests on two gateway replicas,
 * and logins). While it is down every answer is a 503, never a 500, and no request reaches a
 * backend without its upstream token; once it is back the same gateway processes serve again,
 * without a restart. Redis persists (AOF, fsync always), so the restart is an outage, not a wipe.
 */
describe('Redis restart under traffic (issue 11)', () => {
  let redis: TestRedisServer;
  let dataDir: string;
  let stack: Stack;
  const logins: GatewayLogin[] = [];
  const secrets = new SecretsSeen();

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'auth-restart-redis-'));
    redis = await startRedisServer({
      extraArgs: ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dataDir],
    });
    stack = await startStack({ gateways: 2, redisUrl: redis.url, signingKey: true });
    for (const username of ['restart-a', 'restart-b', 'restart-c']) {
      logins.push(await loginThroughGateway(stack.issuer, { username }));
    }
    for (const login of logins) secrets.addLogin(login);
    for (const [name, value] of Object.entries(UPSTREAM_SECRETS)) secrets.add(name, value);
  });
  afterAll(async () => {
    await stack?.stop();
    await stopAll();
    await redis?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('only 503s while Redis is down, never a 500 or a request without its upstream token; then 200s again, same processes', async () => {
    let phase: Phase = 'up';
    let running = true;
    const answers: Answer[] = [];
    const loginFailures: string[] = [];
    let loginsDone = 0;
    const pids = stack.gateways.map((gateway) => gateway.child.pid);

    const proxyWorker = async (worker: number) => {
      for (let i = 0; running; i++) {
        const login = logins[(worker + i) % logins.length] as GatewayLogin;
        const gateway = stack.gatewayUrls[(worker + i) % 2] as string;
        const startedIn = phase;
        try {
          const response = await callRoute(`${gateway}/mcp/corp`, login.tokens.access_token);
          const body =
            response.status === 200
              ? ((await response.json()) as { headers: Record<string, string> })
              : undefined;
          if (response.status !== 200) await response.arrayBuffer();
          answers.push({
            phase: startedIn,
            settled: startedIn === phase,
            status: response.status,
            upstream: body?.headers['authorization'],
          });
        } catch (error) {
          answers.push({ phase: startedIn, settled: false, status: -1, upstream: String(error) });
        }
        await sleep(20);
      }
    };
    const loginWorker = async () => {
      for (let i = 0; running; i++) {
        try {
          secrets.addLogin(await loginThroughGateway(stack.issuer, { username: `restart-login-${i}` }));
          loginsDone += 1;
        } catch (error) {
          loginFailures.push(String((error as Error).message));
          await sleep(100);
        }
      }
    };
    const workers = [...[0, 1, 2, 3].map(proxyWorker), loginWorker()];
    const count = (wanted: Phase) => answers.filter((a) => a.phase === wanted && a.settled).length;

    await expect.poll(() => count('up'), { timeout: 20_000, interval: 50 }).toBeGreaterThanOrEqual(20);
    await redis.stop();
    phase = 'down';
    await expect.poll(() => count('down'), { timeout: 20_000, interval: 50 }).toBeGreaterThanOrEqual(20);
    const loginsBeforeRestart = loginsDone;
    phase = 'restarting';
    await redis.restart();
    phase = 'recovered';
    // Recovery without restarting anything: 200s again, and a login completes.
    await expect
      .poll(() => answers.filter((a) => a.phase === 'recovered' && a.status === 200).length, {
        timeout: 30_000,
        interval: 100,
      })
      .toBeGreaterThanOrEqual(20);
    await expect
      .poll(() => loginsDone, { timeout: 30_000, interval: 100 })
      .toBeGreaterThan(loginsBeforeRestart);
    running = false;
    await Promise.all(workers);

    // Never a 500 or a dropped connection; every 200 carried the session's upstream token.
    expect(answers.filter((a) => a.status !== 200 && a.status !== 503)).toEqual([]);
    for (const answer of answers.filter((a) => a.status === 200)) {
      secrets.add('corp upstream access token', answer.upstream);
      expect(answer.upstream).toMatch(/^Bearer \S+/);
    }
    // Before: all 200. While down: all 503 (nothing answered from a cache without the store).
    const down = answers.filter((a) => a.phase === 'down' && a.settled);
    expect(down.length).toBeGreaterThanOrEqual(20);
    expect(down.every((a) => a.status === 503)).toBe(true);
    expect(answers.filter((a) => a.phase === 'up' && a.settled).every((a) => a.status === 200)).toBe(true);
    // Logins that failed meanwhile failed as unavailable, not as errors.
    for (const message of loginFailures) expect(message).not.toMatch(/HTTP 500|server_error/);
    // The backend never got a request without an upstream token.
    expect(
      stack.corpBackend.received.every((r) => /^Bearer \S+/.test(String(r.headers['authorization']))),
    ).toBe(true);
    // The same gateway processes, still running.
    expect(stack.gateways.map((gateway) => gateway.child.pid)).toEqual(pids);
    expect(stack.gateways.every((gateway) => gateway.child.exitCode === null)).toBe(true);
  });

  it('no token, code or secret of this run appears in the gateway logs', () => {
    expect(secrets.size).toBeGreaterThan(0);
    secrets.expectAbsentFrom(stack.gatewayOutput(), 'the gateway output');
  });
});
