import { createHash } from 'node:crypto';
import { startRedisServer, type TestRedisServer } from '@auth/storage/testing';
import { loginThroughGateway, registerClient } from '@auth/test-kit';
import { Redis } from 'ioredis';
import { calculatePKCECodeChallenge, generateRandomCodeVerifier } from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopAll } from '../src/support/process.js';
import { type Stack, startStack } from '../src/support/stack.js';
import { keysWithTtl } from './support/reliability-kit.js';

/**
 * Issue 11 items 1–3, on two gateway replicas sharing a real redis-server: anonymous authorization
 * requests stored a ~5.5 KB pending record each (400 left 400 keys), registrations piled up and
 * never expired, and 300 wrong client secrets were all just 401. The limits are small here (the
 * defaults allow hundreds of logins a minute from one address) and counted per client address:
 * the gateways trust loopback proxies, so each test speaks from its own `X-Forwarded-For`.
 */
const AUTHORIZE_LIMIT = 40;
const REGISTER_LIMIT = 20;
const FAILURES_PER_CLIENT = 5;
const FAILURES_PER_ADDRESS = 12;
const STATIC_SECRET = 'operator-chosen secret 1';
const REDIRECT = 'http://127.0.0.1:61999/cb';

/** `count` requests made by `send`, `width` at a time; their answers in order. */
async function inWaves<T>(count: number, width: number, send: (index: number) => Promise<T>): Promise<T[]> {
  const answers: T[] = [];
  for (let start = 0; start < count; start += width) {
    const wave = Array.from({ length: Math.min(width, count - start) }, (_, i) => send(start + i));
    answers.push(...(await Promise.all(wave)));
  }
  return answers;
}

describe('abuse limits (issue 11 items 1–3)', () => {
  let redis: TestRedisServer;
  let raw: Redis;
  let stack: Stack;
  let prefix: string;

  beforeAll(async () => {
    redis = await startRedisServer();
    raw = new Redis(redis.url);
    stack = await startStack({
      gateways: 2,
      redisUrl: redis.url,
      signingKey: true,
      clients: [
        { client_id: 'static-app', client_secret_env: 'STATIC_APP_SECRET', redirect_uris: [REDIRECT] },
      ],
      gatewayEnv: { STATIC_APP_SECRET: STATIC_SECRET },
      editConfig: (config) => {
        config['server'] = { trust_proxy: 'loopback' };
        config['registration'] = { enabled: true, unused_client_lifetime: '1h' };
        config['limits'] = {
          authorize: { requests: AUTHORIZE_LIMIT, window: '10m' },
          register: { requests: REGISTER_LIMIT, window: '10m' },
          client_auth_failures: {
            per_client: FAILURES_PER_CLIENT,
            per_address: FAILURES_PER_ADDRESS,
            window: '10m',
          },
        };
        prefix = String((config['storage'] as Record<string, unknown>)['key_prefix']);
      },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await stopAll();
    raw?.disconnect();
    await redis?.stop();
  });

  const replica = (index: number) => stack.gatewayUrls[index % stack.gatewayUrls.length]!;

  it('item 1: 400 anonymous authorization requests over both replicas store nothing, and past the limit answer 429', async () => {
    const fc = await registerClient(stack.issuer, { redirect_uris: [REDIRECT] }); // not trusted: consent
    const challenge = await calculatePKCECodeChallenge(generateRandomCodeVerifier());
    const before = (await raw.keys(`${prefix}pending:*`)).length;
    const answers = await inWaves(400, 20, async (i) => {
      const url = new URL(`${replica(i)}/oauth/authorize`);
      url.search = new URLSearchParams({
        client_id: fc.client.client_id,
        redirect_uri: REDIRECT,
        response_type: 'code',
        code_challenge: challenge,
        code_challenge_method: 'S256',
        state: `s${i}`,
      }).toString();
      const response = await fetch(url, { headers: { 'x-forwarded-for': '203.0.113.1' } });
      const body = await response.text();
      return { status: response.status, retryAfter: response.headers.get('retry-after'), body };
    });
    const pages = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status === 429);
    // The counters are shared: the two replicas together let the limit through, not twice it.
    expect(pages).toHaveLength(AUTHORIZE_LIMIT);
    expect(refused).toHaveLength(400 - AUTHORIZE_LIMIT);
    for (const page of pages) expect(page.body).toContain('name="interaction"');
    for (const answer of refused) {
      expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(JSON.parse(answer.body)).toMatchObject({ error: 'too_many_requests', limit: 'authorize' });
    }
    expect(await raw.keys(`${prefix}pending:*`)).toHaveLength(before);
    // Another address is not affected.
    const other = await fetch(`${stack.issuer}/oauth/authorize?client_id=${fc.client.client_id}`, {
      headers: { 'x-forwarded-for': '203.0.113.2' },
    });
    expect(other.status).toBe(400);
  });

  it('item 2: 150 registrations are limited; an unused registration expires, a used one lives as long as its grant', async () => {
    const metadata = JSON.stringify({ redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' });
    const answers = await inWaves(150, 15, async (i) => {
      const response = await fetch(`${replica(i)}/oauth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.3' },
        body: metadata,
      });
      return { status: response.status, retryAfter: response.headers.get('retry-after') };
    });
    expect(answers.filter((a) => a.status === 201)).toHaveLength(REGISTER_LIMIT);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused).toHaveLength(150 - REGISTER_LIMIT);
    for (const answer of refused) expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);

    const clients = await keysWithTtl(raw, `${prefix}client:*`);
    const dynamic = clients.filter((entry) => !entry.key.endsWith(':static-app'));
    for (const entry of dynamic) {
      expect(entry.pttl, entry.key).toBeGreaterThan(0);
      expect(entry.pttl, entry.key).toBeLessThanOrEqual(3600 * 1000);
    }
    expect(clients.find((entry) => entry.key.endsWith(':static-app'))?.pttl).toBe(-1);

    // A client that got tokens is kept as long as its refresh tokens live (7 days), not 1 h.
    const login = await loginThroughGateway(stack.issuer, { username: 'dora' });
    const used = await raw.pttl(`${prefix}client:${login.clientId}`);
    expect(used).toBeGreaterThan(6 * 86_400_000);
  });

  it('item 3: wrong client secrets get 429 past the threshold, per client_id and per address; the secret is stored salted', async () => {
    const token = (secret: string, address: string, clientId = 'static-app') =>
      fetch(`${replica(address.length)}/oauth/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-forwarded-for': address,
          authorization: `Basic ${Buffer.from(`${clientId}:${encodeURIComponent(secret)}`).toString('base64')}`,
        },
        body: 'grant_type=refresh_token&refresh_token=a.b',
      });
    const statuses: number[] = [];
    for (let i = 0; i < 30; i += 1) statuses.push((await token(`guess-${i}`, `198.51.100.${i}`)).status);
    expect(statuses.slice(0, FAILURES_PER_CLIENT)).toEqual(Array(FAILURES_PER_CLIENT).fill(401));
    expect(new Set(statuses.slice(FAILURES_PER_CLIENT))).toEqual(new Set([429]));
    // Past the per-client limit even the right secret is refused: a guess cannot be told apart.
    const right = await token(STATIC_SECRET, '198.51.100.200');
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await right.json()).toMatchObject({ error: 'too_many_requests', limit: 'client_auth_client' });

    // Per address, across client ids (unknown ones included).
    const fromOne: number[] = [];
    for (let i = 0; i < FAILURES_PER_ADDRESS + 3; i += 1)
      fromOne.push((await token('x', '192.0.2.77', `unknown-${i}`)).status);
    expect(fromOne.slice(0, FAILURES_PER_ADDRESS)).toEqual(Array(FAILURES_PER_ADDRESS).fill(401));
    expect(new Set(fromOne.slice(FAILURES_PER_ADDRESS))).toEqual(new Set([429]));

    // The operator's secret is kept as a salted scrypt hash, never its plain SHA-256.
    const stored = (await raw.get(`${prefix}client:static-app`)) ?? '';
    const sha256 = createHash('sha256').update(STATIC_SECRET).digest('hex');
    expect(stored).not.toContain(sha256);
    expect(stored).not.toContain(STATIC_SECRET);
    expect(stored).toContain('scrypt$');
  });
});

describe('registration with an initial access token (issue 11 item 2, RFC 7591 §3)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      gatewayEnv: { REGISTRATION_TOKEN: 'operator-issued-token' },
      editConfig: (config) => {
        config['registration'] = { enabled: true, initial_access_token_env: 'REGISTRATION_TOKEN' };
      },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await stopAll();
  });

  it('refuses a registration without the token or with another one (401 invalid_token), accepts it with the token', async () => {
    const register = (headers: Record<string, string>) =>
      fetch(`${stack.issuer}/oauth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' }),
      });
    for (const headers of [{}, { authorization: 'Bearer not-the-token' }]) {
      const refused = await register(headers);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
      expect(await refused.json()).toMatchObject({ error: 'invalid_token' });
    }
    const accepted = await register({ authorization: 'Bearer operator-issued-token' });
    expect(accepted.status).toBe(201);
    expect(((await accepted.json()) as { client_id?: string }).client_id).toBeTypeOf('string');
  });
});
