import { startRedisServer, type TestRedisServer } from '@auth/storage/testing';
import { type GatewayLogin, loginThroughGateway } from '@auth/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopAll } from '../src/support/process.js';
import { type Stack, startStack } from '../src/support/stack.js';
import { callRoute, refreshGrants, setFaults, sleep } from './support/reliability-kit.js';

/**
 * Issue 11 item 14: the cross-replica refresh lock is short (`refresh.lock_lifetime`) and renewed
 * while its refresh runs, and waiters give up after `refresh.wait` with 503 and Retry-After. Before,
 * the lock lived 30 s: a replica killed while holding it made the route wait 10 s and answer 503
 * for the whole 30 s.
 */
const TTL_SECONDS = 2;

describe('refresh lock across replicas (issue 11 item 14)', () => {
  let redis: TestRedisServer;
  let stack: Stack;
  let login: GatewayLogin;
  let lastRefresh = 0;
  /** Waits until the corp access token refreshed last (or obtained at login) has expired. */
  const untilExpired = () => sleep(Math.max(0, lastRefresh + TTL_SECONDS * 1000 + 300 - Date.now()));
  const refreshRequestArrived = async (count: number) => {
    await expect.poll(() => refreshGrants(stack.corp.url, '/token'), { timeout: 10_000 }).toBe(count);
  };

  beforeAll(async () => {
    redis = await startRedisServer();
    stack = await startStack({
      gateways: 2,
      redisUrl: redis.url,
      signingKey: true,
      corpAccessTokenTtl: TTL_SECONDS,
      editConfig: (config) => {
        config['refresh'] = { lock_lifetime: '1s', wait: '3s' };
      },
    });
    login = await loginThroughGateway(stack.issuer, { username: 'judy' });
    lastRefresh = Date.now();
    await fetch(`${stack.corp.url}/_mock/requests`, { method: 'DELETE' });
  });
  afterAll(async () => {
    await stack?.stop();
    await stopAll();
    await redis?.stop();
  });

  it('a waiter gives up after refresh.wait with 503 and Retry-After while a live replica refreshes; the holder’s result then serves both', async () => {
    await untilExpired();
    const base = await refreshGrants(stack.corp.url, '/token');
    await setFaults(stack.corp.url, { token_delay_ms: 5000, once: true });
    // Replica 2 takes the lock and waits for the slow IdP (renewing the 1 s lock meanwhile).
    const holder = callRoute(`${stack.gatewayUrls[1]}/mcp/corp`, login.tokens.access_token);
    await refreshRequestArrived(base + 1);
    const waiter = await callRoute(`${stack.gatewayUrls[0]}/mcp/corp`, login.tokens.access_token);
    expect(waiter.status).toBe(503);
    expect(waiter.headers.get('retry-after')).toMatch(/^\d+$/);
    // The lock was renewed (its 1 s lifetime passed five times): replica 1 never refreshed on its own.
    expect((await holder).status).toBe(200);
    expect(await refreshGrants(stack.corp.url, '/token')).toBe(base + 1);
    const served = await callRoute(`${stack.gatewayUrls[0]}/mcp/corp`, login.tokens.access_token);
    expect(served.status).toBe(200);
    lastRefresh = Date.now();
  });

  it('a replica killed while holding the lock blocks the token only for the short lock lifetime', async () => {
    await untilExpired();
    const base = await refreshGrants(stack.corp.url, '/token');
    await setFaults(stack.corp.url, { token_delay_ms: 30_000, once: true });
    const dying = callRoute(`${stack.gatewayUrls[1]}/mcp/corp`, login.tokens.access_token).catch(
      () => undefined,
    );
    await refreshRequestArrived(base + 1);
    // The holder dies mid-refresh: its lock is no longer renewed and expires within 1 s.
    await stack.gateways[1]!.stop('SIGKILL');
    await dying;
    // The next request on the other replica waits (refresh.wait is 3 s), takes the lock over and refreshes.
    const next = await callRoute(`${stack.gatewayUrls[0]}/mcp/corp`, login.tokens.access_token);
    expect(next.status).toBe(200);
    expect(await refreshGrants(stack.corp.url, '/token')).toBe(base + 2);
  });
});
