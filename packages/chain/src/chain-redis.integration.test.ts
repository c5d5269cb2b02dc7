import { randomBytes } from 'node:crypto';
import { createRedisStorage } from '@auth/storage';
import { startRedisServer, type TestRedisServer } from '@auth/storage/testing';
import { login } from '@auth/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainSuite } from './test-support/chain-suite.js';
import { expectNoLeaks, registeredClient } from './test-support/flow.js';
import { startHarness } from './test-support/gateway-harness.js';
import { grantRevocationSuite } from './test-support/grant-revocation-suite.js';

let redis: TestRedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

chainSuite('Redis storage (encrypted at rest)', async () =>
  createRedisStorage({
    url: redis.url,
    keyPrefix: `chain-${randomBytes(4).toString('hex')}:`,
    encryptionKey: randomBytes(32),
  }),
);

grantRevocationSuite('Redis storage (encrypted at rest)', async () =>
  createRedisStorage({
    url: redis.url,
    keyPrefix: `revocation-${randomBytes(4).toString('hex')}:`,
    encryptionKey: randomBytes(32),
  }),
);

describe('storage outage', () => {
  it('answers temporarily_unavailable (never a wrong answer, never a crash) and recovers', async () => {
    const server = await startRedisServer();
    const storage = createRedisStorage({
      url: server.url,
      keyPrefix: `outage-${randomBytes(4).toString('hex')}:`,
      commandTimeoutMs: 500,
    });
    const h = await startHarness({ upstreams: [{ name: 'corp', mode: 'oidc' }], storage });
    try {
      const fc = await registeredClient(h);
      const run = await login(fc);
      await server.stop();
      const token = await fetch(`${h.issuer}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          client_id: fc.client.client_id,
          refresh_token: run.tokens.refresh_token!,
        }).toString(),
      });
      expect(token.status).toBe(503);
      expect(((await token.json()) as { error: string }).error).toBe('temporarily_unavailable');
      const authorize = await fetch(run.request.url, { redirect: 'manual' });
      expect(authorize.status).toBe(503);
      expect(authorize.headers.get('location')).toBeNull();
      expect(await authorize.text()).toContain('temporarily_unavailable');
      await server.restart();
      // Redis came back empty: the client is unknown now, which is an honest answer again.
      let status = 503;
      for (let attempt = 0; attempt < 50 && status === 503; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        status = (await fetch(run.request.url, { redirect: 'manual' })).status;
      }
      expect(status).toBe(400);
      expectNoLeaks(h, [run.tokens.refresh_token, run.tokens.access_token]);
    } finally {
      await h.close();
      await storage.close();
      await server.stop();
    }
  });
});
