import { Agent } from 'node:http';
import { startRedisServer, type TestRedisServer } from '@auth/storage/testing';
import { loginThroughGateway, registerClient } from '@auth/test-kit';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEAP_PROBE_ENV, type HeapReading, readHeap } from '../src/support/heap-probe.js';
import { stopAll } from '../src/support/process.js';
import { MOCK_IDP_TOKEN, SecretsSeen } from '../src/support/secrets.js';
import { type Stack, startStack, UPSTREAM_SECRETS } from '../src/support/stack.js';
import {
  describeRequest,
  type FuzzMaterial,
  type FuzzOutcome,
  type FuzzRequest,
  fuzzRequests,
  headOverLimit,
  sendFuzzRequest,
} from './support/fuzz-requests.js';

/**
 * Issue 11's fuzz campaign: generated requests (fast-check) over real HTTP to a real gateway
 * process (`auth-server serve`) with its two real mock IdPs, once on a real redis-server and
 * once on memory storage. Every endpoint of the authorization server and the reference
 * server, and the proxy routes, with odd methods, paths, queries, headers and bodies, some
 * with real client ids and tokens. Each answer must be below 500, well formed, redirect only
 * where allowed and hold no upstream secret; afterwards the process is alive, logged no
 * error, still logs users in, and its heap (after a full GC) grew by a bounded amount.
 *
 * `FUZZ_REQUESTS` (default 25,000 per storage backend: 50,000 in all) and `FUZZ_SEED` tune it.
 */
const REQUESTS = Number(process.env['FUZZ_REQUESTS'] ?? 25_000);
const SEED = process.env['FUZZ_SEED'] === undefined ? undefined : Number(process.env['FUZZ_SEED']);
/** Requests in flight at once: each fast-check run sends one batch concurrently. */
const BATCH = 25;
/** Warm-up requests before the first heap reading (JIT, caches, pools). */
const WARM_UP = 1_000;
/** Growth allowed of the gateway's heap after GC over the campaign (the memory backend bounds its records). */
const HEAP_GROWTH_LIMIT = 64 * 1024 * 1024;
const ERROR_CODE = /^[\x20\x21\x23-\x5b\x5d-\x7e]+$/;

const BACKENDS = ['redis', 'memory'] as const;

describe.each(BACKENDS)('fuzz campaign on %s storage', (backend) => {
  let redis: TestRedisServer | undefined;
  let stack: Stack;
  let material: FuzzMaterial;
  let arbitrary: fc.Arbitrary<FuzzRequest>;
  let agent: Agent;
  let allowedRedirects: string[];
  const secrets = new SecretsSeen();
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  const statuses = new Map<number, number>();
  let sent = 0;
  let heapBefore: HeapReading;

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    if (backend === 'redis') redis = await startRedisServer();
    stack = await startStack({
      ...(redis ? { redisUrl: redis.url } : {}),
      gatewayEnv: HEAP_PROBE_ENV,
      // The limits count every request here too; raised so that they never refuse one (which
      // would make most of the campaign a 429, and the login after it too). Their refusals are
      // e2e/reliability/abuse-limits.test.ts's subject.
      editConfig: (config) => {
        const many = { requests: 1_000_000, window: '1m' };
        config['limits'] = {
          authorize: many,
          register: many,
          client_auth_failures: { per_address: 1_000_000, per_client: 1_000_000, window: '1m' },
        };
      },
    });
    const [session, refreshing, confidential] = await Promise.all([
      loginThroughGateway(stack.issuer, { username: 'fuzz-a' }),
      loginThroughGateway(stack.issuer, { username: 'fuzz-b' }),
      registerClient(stack.issuer, { token_endpoint_auth_method: 'client_secret_basic' }),
    ]);
    material = {
      issuer: stack.issuer,
      clientId: session.clientId,
      redirectUri: session.request.url.searchParams.get('redirect_uri') ?? '',
      confidentialId: confidential.client.client_id,
      confidentialSecret: confidential.client.client_secret ?? '',
      accessToken: session.tokens.access_token,
      // Another login's refresh token: rotating it (or tripping reuse detection) leaves the access token valid.
      refreshToken: refreshing.tokens.refresh_token ?? '',
    };
    for (const [name, value] of Object.entries(UPSTREAM_SECRETS)) secrets.add(name, value);
    arbitrary = fuzzRequests(material);
    agent = new Agent({ keepAlive: true, maxSockets: BATCH });
    allowedRedirects = [
      material.redirectUri,
      'http://127.0.0.1:8765/callback',
      stack.corp.url,
      stack.github.url,
      stack.issuer,
      '/',
    ];
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    agent?.destroy();
    await stack?.stop();
    await stopAll();
    await redis?.stop();
  });

  /** What is wrong with one answer, if anything. */
  function problem(request: FuzzRequest, outcome: FuzzOutcome): string | undefined {
    if ('failure' in outcome) {
      if (headOverLimit(request) && /socket hang up|ECONNRESET/.test(outcome.failure)) return undefined;
      return `no answer: ${outcome.failure}`;
    }
    const { status, headers, body } = outcome;
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    if (status >= 500) return `HTTP ${status}: ${body.slice(0, 300)}`;
    if (request.kind === 'raw') return undefined; // status 0: the server dropped what it could not parse
    if (status === 0) return 'no status';
    const fromBackend = body.startsWith('{"backend":');
    if (fromBackend) return undefined; // the echo backend's own answer (it echoes what it was sent)
    for (const secret of Object.values(UPSTREAM_SECRETS))
      if (body.includes(secret) || JSON.stringify(headers).includes(secret))
        return 'an upstream client secret in the answer';
    if (MOCK_IDP_TOKEN.test(body) || MOCK_IDP_TOKEN.test(JSON.stringify(headers)))
      return 'an upstream token in the answer';
    if (/\bat [\w.<>]+ \(|node_modules|TypeError|ReferenceError|RangeError/.test(body))
      return 'internal error text in the body';
    if (status >= 300 && status < 400 && headers.location !== undefined) {
      const location = headers.location;
      if (!allowedRedirects.some((prefix) => location.startsWith(prefix))) return `redirect to ${location}`;
    }
    const type = String(headers['content-type'] ?? '');
    if (type.startsWith('application/json') && body !== '' && request.method !== 'HEAD') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        return 'malformed JSON body';
      }
      if (status >= 400 && parsed !== null && typeof parsed === 'object' && 'error' in parsed) {
        const error = (parsed as { error: unknown }).error;
        if (typeof error !== 'string' || !ERROR_CODE.test(error))
          return `bad error code ${JSON.stringify(error)}`;
      }
    }
    return undefined;
  }

  /** Runs `count` generated requests, `BATCH` at a time, as fast-check properties (shrunk on failure). */
  async function campaign(count: number): Promise<void> {
    const property = fc.asyncProperty(
      fc.array(arbitrary, { minLength: BATCH, maxLength: BATCH }),
      async (batch) => {
        const outcomes = await Promise.all(
          batch.map((request) => sendFuzzRequest(stack.issuer, request, agent)),
        );
        sent += batch.length;
        // The echo backends keep what they received: drop it, the campaign does not read it.
        stack.corpBackend.received.length = 0;
        stack.githubBackend.received.length = 0;
        batch.forEach((request, i) => {
          const found = problem(request, outcomes[i]!);
          if (found !== undefined) throw new Error(`${found}\n  request: ${describeRequest(request)}`);
        });
      },
    );
    const result = await fc.check(property, {
      numRuns: Math.ceil(count / BATCH),
      // The failing request is named in the error; shrinking a batch of 25 would cost minutes.
      endOnFailure: true,
      ...(SEED === undefined ? {} : { seed: SEED }),
    });
    // The shrunk batch alone, not fast-check's whole report (a batch holds kilobytes of values).
    if (result.failed)
      throw new Error(
        `${String((result.errorInstance as Error | undefined)?.message ?? result.errorInstance)}\n  (seed ${result.seed}, path ${result.counterexamplePath?.slice(0, 40)})`,
      );
  }

  it('warms up, then reads the heap (after a full GC) as the baseline', async () => {
    await campaign(WARM_UP);
    heapBefore = await readHeap(stack.gateways[0]!);
    expect(heapBefore.heapUsed).toBeGreaterThan(0);
  }, 300_000);

  it(`${REQUESTS} generated requests: every answer below 500, well formed, no leak, no open redirect`, async () => {
    const start = sent;
    await campaign(REQUESTS);
    expect(sent - start).toBeGreaterThanOrEqual(REQUESTS);
    expect(unhandled).toEqual([]);
  }, 900_000);

  it('the gateway is alive, ready, logged no error and no secret, and still logs users in', async () => {
    expect(stack.gateways[0]!.child.exitCode).toBeNull();
    expect((await fetch(`${stack.issuer}/healthz`)).status).toBe(200);
    expect((await fetch(`${stack.issuer}/readyz`)).status).toBe(200);
    const login = await loginThroughGateway(stack.issuer, { username: 'after-fuzz' });
    const routed = await fetch(`${stack.issuer}/mcp/corp/tools`, {
      headers: { authorization: `Bearer ${login.tokens.access_token}` },
    });
    expect(routed.status).toBe(200);
    const output = stack.gatewayOutput();
    const errors = output.split('\n').filter((line) => /"level":(50|60)|uncaught|unhandled/i.test(line));
    expect(errors).toEqual([]);
    secrets.expectAbsentFrom(output, 'the gateway log');
  });

  it('the heap after a full GC grew by a bounded amount', async () => {
    const after = await readHeap(stack.gateways[0]!);
    const growth = after.heapUsed - heapBefore.heapUsed;
    const keys = redis ? await countKeys(redis.url) : undefined;
    console.info(
      `fuzz ${backend}: ${sent} requests; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}; ` +
        `heap ${mb(heapBefore.heapUsed)} → ${mb(after.heapUsed)} MB; rss ${mb(after.rss)} MB` +
        (keys === undefined ? '' : `; redis keys ${keys.keys}, used_memory ${mb(keys.usedMemory)} MB`),
    );
    expect(growth).toBeLessThan(HEAP_GROWTH_LIMIT);
  });
});

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

async function countKeys(url: string): Promise<{ keys: number; usedMemory: number }> {
  const client = new Redis(url, { lazyConnect: true });
  await client.connect();
  try {
    const keys = await client.dbsize();
    const info = await client.info('memory');
    return { keys, usedMemory: Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0) };
  } finally {
    client.disconnect();
  }
}
