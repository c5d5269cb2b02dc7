import { randomUUID } from 'node:crypto';
import { createRedisStorage, type Storage } from '@auth/storage';
import { startRedisServer, type TestRedisServer } from '@auth/storage/testing';
import { type MockUpstream, startMockUpstream } from '@auth/test-kit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuthResult } from './auth-result.js';
import { type Authenticator, createAuthenticator } from './authenticator.js';
import { createIdentityMiddleware } from './identity-middleware.js';
import { startApp } from './test-support/http-app.js';
import { startJwksServer, type TestJwksServer } from './test-support/jwks-server.js';
import {
  AUDIENCE,
  createTestKey,
  ISSUER,
  mintAccessToken,
  RESOURCE_METADATA,
  type TestKey,
} from './test-support/keys.js';

/**
 * Two authenticators, each with its own Redis client, verified-token cache and in-process
 * single-flight map, sharing one real redis-server: they stand in for two gateway processes.
 */
describe('identity against a real redis-server', () => {
  let redis: TestRedisServer;
  let key: TestKey;
  let jwks: TestJwksServer;
  let corp: MockUpstream;
  let storages: Storage[] = [];
  let gateways: Authenticator[] = [];
  let sessionId: string;
  let token: string;

  beforeAll(async () => {
    [redis, key, corp] = await Promise.all([
      startRedisServer(),
      createTestKey('ES256'),
      startMockUpstream('corp', 'oidc'),
    ]);
    jwks = await startJwksServer({ keys: [key.publicJwk] });
    const keyPrefix = `identity-${randomUUID()}:`;
    storages = [
      createRedisStorage({ url: redis.url, keyPrefix, commandTimeoutMs: 2_000 }),
      createRedisStorage({ url: redis.url, keyPrefix, commandTimeoutMs: 2_000 }),
    ];
    gateways = storages.map((storage) =>
      createAuthenticator({
        issuer: ISSUER,
        audience: AUDIENCE,
        jwks: jwks.url,
        storage,
        upstreamClients: { corp: corp.client },
        resourceMetadataUrl: RESOURCE_METADATA,
      }),
    );
  });
  afterAll(async () => {
    await Promise.all(storages.map((storage) => storage.close()));
    await corp?.idp.close();
    await jwks?.close();
    await redis?.stop();
  });
  beforeEach(async () => {
    sessionId = `s-${randomUUID()}`;
    token = await mintAccessToken(key, { claims: { tsid: sessionId } });
    corp.idp.clearFaults();
    const tokens = await corp.login();
    await storages[0]!.storeUpstreamTokens(sessionId, 'corp', { ...tokens, expiresAt: Date.now() - 1_000 });
    corp.idp.clearRequests();
  });

  const run = (count: number): Promise<AuthResult[]> =>
    Promise.all(
      Array.from({ length: count }, (_, i) =>
        gateways[i % 2]!.authenticate({ authorization: `Bearer ${token}` }, { refreshProviders: ['corp'] }),
      ),
    );

  it('50 concurrent requests over two gateways sharing Redis cause exactly one refresh at the IdP', async () => {
    const results = await run(50);
    const outcomes = results.map((r) =>
      r.ok
        ? `${r.identity.upstreams['corp']?.status} ${r.identity.upstreams['corp']?.reason ?? ''}`
        : r.rejection.reason.code,
    );
    expect(new Set(outcomes)).toEqual(new Set(['ok ']));
    const values = new Set(results.map((r) => (r.ok ? r.identity.upstreamTokens['corp'] : undefined)));
    expect(values.size).toBe(1);
    const [value] = [...values];
    expect(value).toBeDefined();
    expect(corp.refreshCount()).toBe(1);
    expect(await corp.accepts(value!)).toBe(true);
    expect((await storages[1]!.getUpstreamTokens(sessionId, 'corp'))?.accessToken).toBe(value);
  });

  it('an upstream whose tokens live less than the skew: two bursts over two gateways, one refresh', async () => {
    const shortLived = await startMockUpstream('corp', 'oidc', { accessTokenTtlSeconds: 4 });
    try {
      await storages[0]!.storeUpstreamTokens(sessionId, 'corp', {
        ...(await shortLived.login()),
        expiresAt: Date.now() - 1_000,
      });
      shortLived.idp.clearRequests();
      const pair = storages.map((storage) =>
        createAuthenticator({
          issuer: ISSUER,
          audience: AUDIENCE,
          jwks: jwks.url,
          storage,
          upstreamClients: { corp: shortLived.client },
          resourceMetadataUrl: RESOURCE_METADATA,
        }),
      );
      const burst = () =>
        Promise.all(
          Array.from({ length: 25 }, (_, i) =>
            pair[i % 2]!.authenticate({ authorization: `Bearer ${token}` }, { refreshProviders: ['corp'] }),
          ),
        );
      const results = [...(await burst()), ...(await burst())];
      expect(shortLived.refreshCount()).toBe(1);
      expect(new Set(results.map((r) => (r.ok ? r.identity.upstreamTokens['corp'] : 'rejected'))).size).toBe(
        1,
      );
    } finally {
      await shortLived.idp.close();
    }
  });

  it('invalid_grant over two gateways: one refresh attempt, the tokens deleted, every request sees revoked', async () => {
    corp.idp.setFaults({ refresh_error: 'invalid_grant' });
    const results = await run(20);
    expect(corp.refreshCount()).toBe(1);
    for (const result of results) {
      expect(result.ok && result.identity.upstreams['corp']?.status).toBe('revoked');
      expect(result.ok && result.identity.upstreamTokens['corp']).toBeUndefined();
    }
    expect(await storages[0]!.getUpstreamTokens(sessionId, 'corp')).toBeUndefined();
  });

  it('answers 503 temporarily_unavailable (never a pass) while Redis is down, and recovers', async () => {
    const app = await startApp(createIdentityMiddleware({ authenticator: gateways[0]! }));
    try {
      const ok = await fetch(app.url, { headers: { authorization: `Bearer ${token}` } });
      expect(ok.status).toBe(200);
      await redis.stop();
      const started = Date.now();
      const down = await fetch(app.url, { headers: { authorization: `Bearer ${token}` } });
      expect(down.status).toBe(503);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(down.headers.get('www-authenticate')).toBeNull();
      expect(down.headers.get('retry-after')).toBe('5');
      expect(await down.json()).toEqual({
        error: 'temporarily_unavailable',
        error_description: 'The service is temporarily unavailable',
      });
      // The verified-token cache does not turn an outage into a pass either.
      const again = await gateways[1]!.authenticate({ authorization: `Bearer ${token}` });
      expect(again.ok).toBe(false);
      await redis.restart();
      await expect
        .poll(async () => (await fetch(app.url, { headers: { authorization: `Bearer ${token}` } })).status, {
          timeout: 10_000,
          interval: 200,
        })
        .toBe(200);
    } finally {
      await app.close();
    }
  });
});
