import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedisServer, type TestRedisServer } from '@auth/storage/testing';
import { browse, CLIENT_REDIRECT, loginThroughGateway, registerClient, runChain } from '@auth/test-kit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopAll } from '../src/support/process.js';
import { type Stack, startStack } from '../src/support/stack.js';
import { keysWithTtl, sessionIdOf } from './support/reliability-kit.js';

/**
 * Issue 11 item 10: an unfinished chain leaves nothing that outlives it. The chain can finish for
 * one pending step (10 min) plus the code's lifetime (60 s): whatever a leg stores lives at most
 * that long until the code is redeemed, even when the chain's cleanup never runs (Redis down at
 * the next step, the replica killed). The IdP's access tokens live an hour, so a record that
 * followed them (the bug) would live ~3,590 s, and users and identities had no expiry at all.
 */
const CHAIN_DEADLINE_MS = (600 + 60) * 1000;
const DAY_MS = 86_400_000;

describe('record lifetimes (issue 11 item 10)', () => {
  let redis: TestRedisServer;
  let raw: Redis;
  let stack: Stack;
  let dataDir: string;

  beforeAll(async () => {
    // Persistent, so a Redis restart is an outage, not a wipe.
    dataDir = mkdtempSync(join(tmpdir(), 'auth-lifetimes-redis-'));
    redis = await startRedisServer({
      extraArgs: ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dataDir],
    });
    raw = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    raw.on('error', () => {}); // the outage test stops Redis on purpose
    stack = await startStack({
      gateways: 2,
      redisUrl: redis.url,
      signingKey: true,
      corpAccessTokenTtl: 3600,
      githubAccessTokenTtl: 3600,
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await stopAll();
    raw?.disconnect();
    await redis?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** The first leg (corp) done; the browser stops before the github IdP. */
  async function firstLegOnly(username: string) {
    const fc = await registerClient(stack.issuer);
    const githubOrigin = new URL(stack.github.url).origin;
    const run = await runChain(fc, {}, { username, stopAt: (url) => url.origin === githubOrigin });
    expect(run.ride.stopped).toBe(true);
    return run;
  }

  /** The records a chain's first leg left: provisional corp tokens, the user and its identity, all within the deadline. */
  async function expectOnlyFirstLegUntilDeadline(before: Set<string>) {
    const left = await newKeys(before, '*upstream:{*}:*');
    expect(left.map((entry) => entry.key.split(':').pop())).toEqual(['corp']);
    for (const entry of left) expect(entry.value?.startsWith('p1:'), 'provisional').toBe(true);
    const records = [...(await newKeys(before, '*:user:*')), ...(await newKeys(before, '*:identity:*'))];
    expect(records).toHaveLength(2); // the user the first leg created, and its corp identity
    for (const entry of [...left, ...records, ...(await newKeys(before, '*upstream:idx:*'))]) {
      expect(entry.pttl, entry.key).toBeGreaterThan(0);
      expect(entry.pttl, entry.key).toBeLessThanOrEqual(CHAIN_DEADLINE_MS);
    }
  }

  /** Keys created since `before` (a set of key names). */
  async function newKeys(before: Set<string>, pattern: string) {
    return (await keysWithTtl(raw, pattern)).filter((entry) => !before.has(entry.key));
  }

  it('a completed login: the upstream tokens live as long as the grant, the user its retention after it', async () => {
    const login = await loginThroughGateway(stack.issuer, { username: 'carol' });
    const sid = sessionIdOf(login.tokens.access_token);
    const upstream = await keysWithTtl(raw, `*upstream:{${sid}}:*`);
    expect(upstream.map((entry) => entry.key.split(':').pop()).sort()).toEqual(['corp', 'github']);
    for (const entry of upstream) {
      // Settled (no longer provisional), until the grant's end (the 7-day refresh lifetime).
      expect(entry.value?.startsWith('t1:'), entry.key).toBe(true);
      expect(entry.pttl).toBeGreaterThan(6 * DAY_MS);
      expect(entry.pttl).toBeLessThanOrEqual(7 * DAY_MS);
    }
    const users = await keysWithTtl(raw, '*:user:*');
    const identities = await keysWithTtl(raw, '*:identity:*');
    expect(users).toHaveLength(1);
    expect(identities).toHaveLength(2);
    for (const entry of [...users, ...identities]) {
      // The grant's end plus the 90-day user retention.
      expect(entry.pttl, entry.key).toBeGreaterThan(96 * DAY_MS);
      expect(entry.pttl, entry.key).toBeLessThanOrEqual(97 * DAY_MS);
    }
  });

  it('a chain whose next step fails while Redis is down keeps nothing past its deadline', async () => {
    const before = new Set(await raw.keys('*'));
    const run = await firstLegOnly('dave');
    const legs = await newKeys(before, '*upstream:{*}:*');
    expect(legs.map((entry) => entry.key.split(':').pop())).toEqual(['corp']);

    // Redis goes away; the browser comes back from the github IdP meanwhile: the step fails, no cleanup runs.
    await redis.stop();
    const back = await browse(run.ride.final, {
      browser: run.ride.browser,
      username: 'dave',
      stopAt: CLIENT_REDIRECT,
    });
    expect(back.stopped).toBe(false);
    expect(back.status).toBe(503);
    expect(back.hops.at(-1)?.pathname).toBe('/oauth/callback/github');
    await redis.restart();
    await expect.poll(() => raw.ping().catch(() => 'down'), { timeout: 10_000 }).toBe('PONG');

    await expectOnlyFirstLegUntilDeadline(before);
  });

  it('a chain abandoned when its replica is killed keeps nothing past its deadline', async () => {
    const before = new Set(await raw.keys('*'));
    await firstLegOnly('erin');
    // The replica that ran the leg (the issuer) dies; nobody will ever continue or clean up the chain.
    await stack.gateways[0]!.stop('SIGKILL');
    await expectOnlyFirstLegUntilDeadline(before);
    // The pending leg of github expires with it too (it was always so).
    for (const entry of await newKeys(before, '*:pending:*')) {
      expect(entry.pttl).toBeLessThanOrEqual(CHAIN_DEADLINE_MS);
    }
  });
});
