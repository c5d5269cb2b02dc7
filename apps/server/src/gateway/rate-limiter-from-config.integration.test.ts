import type { LimitName } from '@auth/chain';
import type { LimitsConfig } from '@auth/config';
import { startRedisServer, type TestRedisServer } from '@auth/storage/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limiter-from-config.js';

const limits: LimitsConfig = {
  authorize: { requests: 3, window: 60 },
  register: { requests: 1, window: 60 },
  clientAuthFailures: { perAddress: 2, perClient: 2, window: 60 },
  registration: { maxRedirectUris: 10, maxBodyBytes: 16_384 },
};

let server: TestRedisServer;
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server?.stop();
});

describe('createRateLimiter (rate-limiter-flexible)', () => {
  it('memory: refuses past the allowance with a Retry-After within the window; keys are apart', async () => {
    const refused: LimitName[] = [];
    const limiter = createRateLimiter({ limits, onRefused: (limit) => refused.push(limit) });
    for (let i = 0; i < 3; i += 1)
      expect(await limiter.consume('authorize', '10.0.0.1')).toEqual({ allowed: true });
    const fourth = await limiter.consume('authorize', '10.0.0.1');
    expect(fourth.allowed).toBe(false);
    if (!fourth.allowed) expect(fourth.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    if (!fourth.allowed) expect(fourth.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(await limiter.consume('authorize', '10.0.0.2')).toEqual({ allowed: true });
    expect(await limiter.consume('register', '10.0.0.1')).toEqual({ allowed: true });
    expect(refused).toEqual(['authorize']);
  });

  it('check looks without counting; it refuses once the failures reached the allowance', async () => {
    const limiter = createRateLimiter({ limits });
    expect(await limiter.check('client_auth_client', 'app')).toEqual({ allowed: true });
    expect(await limiter.check('client_auth_client', 'app')).toEqual({ allowed: true });
    await limiter.consume('client_auth_client', 'app');
    expect(await limiter.check('client_auth_client', 'app')).toEqual({ allowed: true });
    await limiter.consume('client_auth_client', 'app');
    expect((await limiter.check('client_auth_client', 'app')).allowed).toBe(false);
  });

  it('redis: two replicas share the counters under the storage prefix', async () => {
    const clients = [new Redis(server.url), new Redis(server.url)];
    const prefix = `rl-${Date.now()}:`;
    const [a, b] = clients.map((redis) => createRateLimiter({ limits, redis, keyPrefix: prefix }));
    expect(await a!.consume('register', '10.0.0.9')).toEqual({ allowed: true });
    expect((await b!.consume('register', '10.0.0.9')).allowed).toBe(false);
    expect((await b!.check('register', '10.0.0.9')).allowed).toBe(false);
    const keys = await clients[0]!.keys(`${prefix}*`);
    expect(keys.length).toBe(1);
    expect(keys[0]!.startsWith(`${prefix}limit:register`)).toBe(true);
    await Promise.all(clients.map((client) => client.quit()));
  });
});
