import {
  startRedisReplica,
  startRedisSentinel,
  startRedisServer,
  type TestRedisSentinel,
  type TestRedisServer,
} from '@auth/storage/testing';
import { type GatewayLogin, loginThroughGateway } from '@auth/test-kit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopAll } from '../src/support/process.js';
import { SecretsSeen } from '../src/support/secrets.js';
import { type Stack, startStack, UPSTREAM_SECRETS } from '../src/support/stack.js';
import { callRoute, sleep, until } from './support/reliability-kit.js';
import { type ReplicationLink, startReplicationLink } from './support/replication-link.js';

/**
 * Issue 11 item 12: a Sentinel failover lost the logins completed just before it (the old master
 * acknowledged their writes, the promoted replica never had them, and they answered 401 later).
 * The replica's replication link is held for a while before `SENTINEL FAILOVER`, so the window in
 * which the master alone holds a write is seconds long, not luck: with `wait_for_replicas: 0` every
 * login completed in it is lost (the test failed so before the change); with `wait_for_replicas: 1`
 * a login completes only once the replica has its writes, and every completed one survives.
 */
describe('Sentinel failover under login traffic (issue 11 item 12)', () => {
  let master: TestRedisServer;
  let replica: TestRedisServer;
  let link: ReplicationLink;
  let sentinel: TestRedisSentinel;
  let admin: Redis;
  let stack: Stack;
  const secrets = new SecretsSeen();

  beforeAll(async () => {
    master = await startRedisServer();
    link = await startReplicationLink(master.port);
    replica = await startRedisReplica(master, { replicaOfPort: link.port });
    sentinel = await startRedisSentinel({ masterPort: master.port });
    admin = new Redis({ host: sentinel.host, port: sentinel.port });
    // The Sentinel must know the replica before it can promote it.
    await until(
      'the Sentinel knows the replica',
      async () => ((await admin.call('SENTINEL', 'REPLICAS', sentinel.name)) as unknown[]).length === 1,
    );
    stack = await startStack({
      redisUrl: master.url,
      signingKey: true,
      editConfig: (config) => {
        config['storage'] = {
          type: 'redis',
          key_prefix: 'failover:',
          sentinel: { name: sentinel.name, sentinels: [{ host: sentinel.host, port: sentinel.port }] },
          wait_for_replicas: 1,
          wait_timeout_ms: 300,
        };
      },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await stopAll();
    admin?.disconnect();
    await sentinel?.stop();
    await link?.close();
    await replica?.stop();
    await master?.stop();
  });

  it('every login that got its tokens keeps working after the failover; the others failed with 503, never 500', async () => {
    type Phase = 'replicating' | 'held' | 'promoted';
    let phase: Phase = 'replicating';
    let running = true;
    const completed: Array<{ login: GatewayLogin; phase: Phase }> = [];
    const failures: string[] = [];
    let next = 0;
    /** Logins that started and ended while the link was held (completed or failed). */
    let endedWithinHold = 0;
    const countIn = (wanted: Phase) => completed.filter((entry) => entry.phase === wanted).length;

    const worker = async () => {
      while (running) {
        const username = `failover-user-${next++}`;
        const startedIn = phase;
        try {
          const login = await loginThroughGateway(stack.issuer, { username });
          completed.push({ login, phase });
          secrets.addLogin(login);
        } catch (error) {
          failures.push(String((error as Error).message));
          await sleep(50);
        } finally {
          if (startedIn === 'held' && phase === 'held') endedWithinHold += 1;
        }
      }
    };
    const workers = Array.from({ length: 4 }, () => worker());

    await expect
      .poll(() => countIn('replicating'), { timeout: 30_000, interval: 100 })
      .toBeGreaterThanOrEqual(4);
    link.hold(); // from here on the replica receives nothing
    phase = 'held';
    // Long enough for whole logins to run in the window: before the change each of them completed
    // on the master alone and was lost; now each one fails with 503 instead.
    await expect.poll(() => endedWithinHold, { timeout: 60_000, interval: 100 }).toBeGreaterThanOrEqual(4);

    // Sentinel abandons a promotion it does not see within its failover-timeout (its INFO polls
    // run late on a loaded machine: a clean-clone CI run saw it), so ask again until it happens.
    let askedAt = 0;
    await until(
      'the Sentinel promotes the replica',
      async () => {
        const current = (
          (await admin.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', sentinel.name)) as string[]
        )[1];
        if (current === String(replica.port)) return true;
        if (Date.now() - askedAt > 8_000) {
          askedAt = Date.now();
          await admin.call('SENTINEL', 'FAILOVER', sentinel.name).catch(() => undefined); // INPROG: one runs
        }
        return false;
      },
      60_000,
    );
    phase = 'promoted';
    await link.close(); // the promoted replica left its master; nothing goes through any more
    await expect
      .poll(() => countIn('promoted'), { timeout: 30_000, interval: 100 })
      .toBeGreaterThanOrEqual(4);
    running = false;
    await Promise.all(workers);

    // Every failed login failed as unavailable (a 503 page or token error), never a 500.
    for (const message of failures) {
      expect(message).not.toMatch(/HTTP 500|server_error/);
    }

    // Every login that completed, before, during or after the held window, still works on the new master.
    const asks = await Promise.all(
      completed.map(async ({ login, phase: completedIn }) => {
        const corp = await callRoute(`${stack.issuer}/mcp/corp`, login.tokens.access_token);
        const echoed =
          corp.status === 200 ? ((await corp.json()) as { headers: Record<string, string> }) : undefined;
        const refreshed = await fetch(`${stack.issuer}/oauth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'refresh_token',
            refresh_token: String(login.tokens.refresh_token),
            client_id: login.clientId,
          }),
        });
        secrets.add('corp upstream access token', echoed?.headers['authorization']);
        return {
          completedIn,
          corp: corp.status,
          upstream: echoed?.headers['authorization'] !== undefined,
          refresh: refreshed.status,
        };
      }),
    );
    for (const [name, value] of Object.entries(UPSTREAM_SECRETS)) secrets.add(name, value);
    const lost = asks.filter((ask) => ask.corp !== 200 || !ask.upstream || ask.refresh !== 200);
    expect(lost, `${lost.length} of ${asks.length} completed logins lost`).toEqual([]);
  }, 180_000);

  it('no token, code or secret of this run appears in the gateway logs', () => {
    expect(secrets.size).toBeGreaterThan(0);
    secrets.expectAbsentFrom(stack.gatewayOutput(), 'the gateway output');
  });
});
