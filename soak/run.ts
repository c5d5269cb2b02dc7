/**
 * `npm run soak`: mixed logins, refreshes and proxied requests against real processes (the
 * gateway through `auth-server serve`, two mock IdPs whose tokens live seconds so the gateway
 * refreshes them, a redis-server) for SOAK_SECONDS (default 600). Then the load stops and, after
 * SOAK_DRAIN_SECONDS, the gateway's heap (after a full GC, read by the heap probe) and Redis
 * (INFO memory, key count) must be back to their baseline, with zero errors. Prints a table and
 * writes soak/results.json (or SOAK_RESULTS); exits 1 when a check fails.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startRedisServer } from '@auth/storage/testing';
import { CLIENT_REDIRECT, discover, type FlowClient, login, refresh } from '@auth/test-kit';
import { Redis } from 'ioredis';
import { HEAP_PROBE_ENV, readHeap } from '../e2e/src/support/heap-probe.js';
import { stopAll } from '../e2e/src/support/process.js';
import { MOCK_IDP_TOKEN } from '../e2e/src/support/secrets.js';
import { startStack, UPSTREAM_SECRETS } from '../e2e/src/support/stack.js';

/** How long the authorization server keeps a code-replay marker (packages/chain token endpoint). */
const REPLAY_MARKER_SECONDS = 120;
const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const SETTINGS = {
  seconds: num('SOAK_SECONDS', 600),
  /** Simulated users at once, each looping login → proxied requests → refresh → … → revoke. */
  users: num('SOAK_USERS', 6),
  /** Upstream access token lifetime at the mock IdPs (s): short, so the gateway refreshes. */
  upstreamTtl: num('SOAK_UPSTREAM_TTL', 8),
  /** Proxied requests per session, and gateway refreshes in between. */
  requestsPerSession: num('SOAK_REQUESTS_PER_SESSION', 40),
  refreshesPerSession: num('SOAK_REFRESHES_PER_SESSION', 3),
  /** Lifetime of authorization codes (s): a redeemed code is kept that long to detect replays. */
  codeLifetime: num('SOAK_CODE_LIFETIME', 60),
  /**
   * Wait after the load stops before the final readings: redeemed codes (code lifetime) and
   * code-replay markers (120 s) run out.
   */
  drainSeconds: num(
    'SOAK_DRAIN_SECONDS',
    Math.max(num('SOAK_CODE_LIFETIME', 60), REPLAY_MARKER_SECONDS) + 15,
  ),
  sampleSeconds: num('SOAK_SAMPLE_SECONDS', 30),
  /** Allowed growth of the heap after GC over the baseline. */
  heapToleranceMb: num('SOAK_HEAP_TOLERANCE_MB', 16),
  /** Allowed growth of Redis used_memory over the baseline. */
  redisToleranceMb: num('SOAK_REDIS_TOLERANCE_MB', 2),
};
const setting = (name: string) => process.env[name];
const RESULTS = setting('SOAK_RESULTS') ?? fileURLToPath(new URL('./results.json', import.meta.url));
const CLIENT_ID = 'soak-client';

interface Sample {
  at: number;
  phase: 'baseline' | 'load' | 'after';
  logins: number;
  refreshes: number;
  proxied: number;
  errors: number;
  heapUsedMb: number;
  rssMb: number;
  redisUsedMb: number;
  redisKeys: number;
}

const counts = { logins: 0, refreshes: 0, proxied: 0, revokes: 0, errors: 0 };
const errors: string[] = [];
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function fail(what: string): void {
  counts.errors += 1;
  if (errors.length < 50) errors.push(what);
}

async function main(): Promise<number> {
  const redis = await startRedisServer();
  const stack = await startStack({
    redisUrl: redis.url,
    corpAccessTokenTtl: SETTINGS.upstreamTtl,
    githubAccessTokenTtl: SETTINGS.upstreamTtl,
    gatewayEnv: HEAP_PROBE_ENV,
    registration: { enabled: false },
    clients: [{ client_id: CLIENT_ID, redirect_uris: [CLIENT_REDIRECT], trusted: true }],
    editConfig: (config) => {
      config['token_lifetimes'] = { authorization_code: SETTINGS.codeLifetime };
    },
  });
  const client = new Redis(redis.url);
  const gateway = stack.gateways[0]!;
  const samples: Sample[] = [];
  const started = Date.now();
  const sample = async (phase: Sample['phase']) => {
    const heap = await readHeap(gateway);
    const info = await client.info('memory');
    const row: Sample = {
      at: Math.round((Date.now() - started) / 1000),
      phase,
      logins: counts.logins,
      refreshes: counts.refreshes,
      proxied: counts.proxied,
      errors: counts.errors,
      heapUsedMb: mb(heap.heapUsed),
      rssMb: mb(heap.rss),
      redisUsedMb: mb(Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0)),
      redisKeys: await client.dbsize(),
    };
    samples.push(row);
    process.stdout.write(`${JSON.stringify(row)}\n`);
    return row;
  };

  try {
    const fc: FlowClient = {
      as: await discover(stack.issuer),
      client: { client_id: CLIENT_ID, token_endpoint_auth_method: 'none' },
    };
    const usernames = Array.from({ length: SETTINGS.users }, (_, i) => `soak-user-${i + 1}`);
    // Warm-up: each user's records (user, provider identities) exist from here on, in the baseline too.
    await Promise.all(usernames.map((username) => session(stack.issuer, fc, username, 5, 1)));
    counts.errors = 0;
    errors.length = 0;
    await sleep(SETTINGS.drainSeconds * 1000);
    const baseline = await sample('baseline');
    const keysAtBaseline = await keyFamilies(client);

    const deadline = Date.now() + SETTINGS.seconds * 1000;
    const sampler = setInterval(
      () => void sample('load').catch((e) => fail(`sample: ${e}`)),
      SETTINGS.sampleSeconds * 1000,
    );
    await Promise.all(
      usernames.map(async (username) => {
        while (Date.now() < deadline)
          await session(
            stack.issuer,
            fc,
            username,
            SETTINGS.requestsPerSession,
            SETTINGS.refreshesPerSession,
          );
      }),
    );
    clearInterval(sampler);
    await sleep(SETTINGS.drainSeconds * 1000);
    const after = await sample('after');

    const keysAfter = await keyFamilies(client);
    const grown = grownFamilies(
      keysAtBaseline,
      keysAfter,
      Math.max(SETTINGS.codeLifetime, REPLAY_MARKER_SECONDS) * 1000,
    );
    const output = stack.gatewayOutput();
    const logErrors = output.split('\n').filter((line) => /"level":(50|60)|uncaught|unhandled/i.test(line));
    const leaked =
      Object.values(UPSTREAM_SECRETS).some((s) => output.includes(s)) || MOCK_IDP_TOKEN.test(output);
    const checks = {
      'zero errors': counts.errors === 0,
      'no error in the gateway log': logErrors.length === 0,
      'no secret in the gateway log': !leaked,
      'gateway alive': gateway.child.exitCode === null,
      [`heap back to baseline (+${SETTINGS.heapToleranceMb} MB)`]:
        after.heapUsedMb <= baseline.heapUsedMb + SETTINGS.heapToleranceMb,
      // After a short drain, what is left must be records that expire by themselves soon.
      'redis keys back to baseline (or expiring within the replay marker lifetime)':
        after.redisKeys <= baseline.redisKeys || grown.every((family) => family.expiresSoon),
      [`redis memory back to baseline (+${SETTINGS.redisToleranceMb} MB)`]:
        after.redisUsedMb <= baseline.redisUsedMb + SETTINGS.redisToleranceMb,
    };
    const passed = Object.values(checks).every(Boolean);
    printTable(samples);
    for (const [check, ok] of Object.entries(checks))
      process.stdout.write(`${ok ? 'PASS' : 'FAIL'}  ${check}\n`);
    if (errors.length > 0)
      process.stdout.write(`errors (first ${errors.length}):\n  ${errors.join('\n  ')}\n`);
    if (logErrors.length > 0)
      process.stdout.write(`gateway log errors:\n  ${logErrors.slice(0, 10).join('\n  ')}\n`);
    writeFileSync(
      RESULTS,
      `${JSON.stringify({ settings: SETTINGS, counts, checks, passed, samples, errors, keys: { baseline: keysAtBaseline, after: keysAfter, grown } }, null, 2)}\n`,
    );
    process.stdout.write(`soak: ${passed ? 'passed' : 'FAILED'}; results in soak/results.json\n`);
    return passed ? 0 : 1;
  } finally {
    client.disconnect();
    await stack.stop();
    await stopAll();
    await redis.stop();
  }
}

/**
 * One user's session: a login through both upstreams, proxied requests to both routes (each a
 * chance for the gateway to refresh an expired upstream token), gateway refreshes in between,
 * and a revocation at the end (RFC 7009), which removes the session's records.
 */
async function session(
  issuer: string,
  fc: FlowClient,
  username: string,
  requests: number,
  refreshes: number,
): Promise<void> {
  let tokens: { access_token: string; refresh_token?: string | undefined };
  try {
    tokens = (await login(fc, { scope: 'openid offline_access' }, { username })).tokens;
    counts.logins += 1;
  } catch (error) {
    fail(`login ${username}: ${(error as Error).message}`);
    return;
  }
  const every = Math.max(1, Math.floor(requests / (refreshes + 1)));
  for (let i = 1; i <= requests; i += 1) {
    const route = i % 2 === 0 ? '/mcp/corp/tools' : '/mcp/github/user';
    const response = await fetch(`${issuer}${route}`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
      signal: AbortSignal.timeout(30_000),
    }).catch((error: Error) => error);
    if (response instanceof Error) fail(`${route}: ${response.message}`);
    else {
      await response.arrayBuffer();
      if (response.status === 200) counts.proxied += 1;
      else fail(`${route}: HTTP ${response.status}`);
    }
    if (i % every === 0 && i < requests && tokens.refresh_token !== undefined) {
      const answer = await refresh(fc.as, fc.client, tokens.refresh_token);
      const body = (await answer.json()) as { access_token?: string; refresh_token?: string };
      if (answer.status === 200 && body.access_token !== undefined) {
        tokens = { access_token: body.access_token, refresh_token: body.refresh_token };
        counts.refreshes += 1;
      } else fail(`refresh: HTTP ${answer.status} ${JSON.stringify(body)}`);
    }
    await sleep(50);
  }
  const revoked = await fetch(`${issuer}/oauth/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: tokens.refresh_token ?? tokens.access_token, client_id: CLIENT_ID }),
  });
  if (revoked.status === 200) counts.revokes += 1;
  else fail(`revoke: HTTP ${revoked.status}`);
}

/** Redis keys by family (`<prefix>code:*`, `<prefix>user:*`, …): how many, and the longest TTL (-1: none). */
async function keyFamilies(client: Redis): Promise<Record<string, { keys: number; longestTtlMs: number }>> {
  const families: Record<string, { keys: number; longestTtlMs: number }> = {};
  for (const key of await client.keys('*')) {
    const ttl = await client.pttl(key);
    const name = key.replace(/:[^:]{12,}$/, ':*');
    const family = families[name] ?? { keys: 0, longestTtlMs: 0 };
    families[name] = family;
    family.keys += 1;
    family.longestTtlMs = family.longestTtlMs === -1 || ttl === -1 ? -1 : Math.max(family.longestTtlMs, ttl);
  }
  return families;
}

/** Families with more keys than at the baseline, and whether each of them expires within `limitMs`. */
function grownFamilies(
  baseline: Record<string, { keys: number }>,
  after: Record<string, { keys: number; longestTtlMs: number }>,
  limitMs: number,
): Array<{ family: string; extra: number; expiresSoon: boolean }> {
  return Object.entries(after)
    .filter(([family, { keys }]) => keys > (baseline[family]?.keys ?? 0))
    .map(([family, { keys, longestTtlMs }]) => ({
      family,
      extra: keys - (baseline[family]?.keys ?? 0),
      expiresSoon: longestTtlMs !== -1 && longestTtlMs <= limitMs,
    }));
}

function printTable(samples: Sample[]): void {
  const columns = Object.keys(samples[0] ?? {}) as Array<keyof Sample>;
  const rows = [columns.map(String), ...samples.map((s) => columns.map((c) => String(s[c])))];
  const widths = columns.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  for (const row of rows)
    process.stdout.write(`${row.map((cell, i) => cell.padStart(widths[i]!)).join('  ')}\n`);
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`soak: ${(error as Error).stack ?? error}\n`);
    void stopAll().finally(() => process.exit(1));
  },
);
