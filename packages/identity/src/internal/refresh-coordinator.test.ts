import { randomUUID } from 'node:crypto';
import { silentLogger } from '@auth/protocol';
import { createMemoryStorage, type Storage, type UpstreamTokens } from '@auth/storage';
import { type MockUpstream, startMockUpstream } from '@auth/test-kit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { needsRefresh, RefreshCoordinator } from './refresh-coordinator.js';

describe('RefreshCoordinator: the cross-process side, with another "process" played by the test', () => {
  let corp: MockUpstream;
  let storage: Storage;
  let sessionId: string;
  let stale: UpstreamTokens;

  beforeAll(async () => {
    corp = await startMockUpstream('corp', 'oidc');
  });
  afterAll(async () => {
    await corp?.idp.close();
  });
  beforeEach(async () => {
    storage = createMemoryStorage();
    sessionId = `s-${randomUUID()}`;
    stale = { ...(await corp.login()), expiresAt: Date.now() - 1_000 };
    await storage.storeUpstreamTokens(sessionId, 'corp', stale);
    corp.idp.clearRequests();
    events.length = 0;
  });
  afterEach(async () => {
    corp.idp.clearFaults();
    await storage.close();
  });

  const events: string[] = [];
  const coordinator = (waitTimeoutMs = 2_000) =>
    new RefreshCoordinator({
      events: { refresh: (provider, result) => events.push(`${provider} ${result}`) },
      storage,
      clients: { corp: corp.client },
      skewMs: 30_000,
      lockTtlMs: 5_000,
      waitTimeoutMs,
      now: Date.now,
      logger: silentLogger,
    });

  it('re-reads under the lock: a refresh another process finished meanwhile is used, not repeated', async () => {
    // Another process refreshed (and rotated the refresh token) after this request read `stale`.
    const first = await coordinator().refresh(sessionId, 'corp', stale);
    expect(first.status).toBe('ok');
    expect(corp.refreshCount()).toBe(1);
    const second = await coordinator().refresh(sessionId, 'corp', stale);
    expect(second).toEqual(first);
    expect(corp.refreshCount()).toBe(1);
    // One refresh reached the IdP: one event.
    expect(events).toEqual(['corp refreshed']);
  });

  it('tells the events a refused refresh token (rejected) from an outage (failed)', async () => {
    corp.idp.setFaults({ token_status: 503 });
    expect((await coordinator().refresh(sessionId, 'corp', stale)).status).toBe('unavailable');
    corp.idp.clearFaults();
    corp.idp.setFaults({ token_error: 'invalid_grant' });
    expect((await coordinator().refresh(sessionId, 'corp', stale)).status).toBe('revoked');
    expect(events).toEqual(['corp failed', 'corp rejected']);
  });

  it('a request that does not get the lock waits and takes the holder’s result', async () => {
    const owner = await storage.tryAcquireLock(`refresh:${sessionId}:corp`, 5_000);
    expect(owner).toBeDefined();
    const waiting = coordinator().refresh(sessionId, 'corp', stale);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await storage.storeUpstreamTokens(sessionId, 'corp', {
      ...stale,
      accessToken: 'refreshed-elsewhere',
      expiresAt: Date.now() + 600_000,
    });
    const outcome = await waiting;
    expect(outcome.status).toBe('ok');
    expect(outcome.status === 'ok' && outcome.tokens.accessToken).toBe('refreshed-elsewhere');
    expect(corp.refreshCount()).toBe(0);
  });

  it('gives up after waitTimeoutMs while another process holds the lock, keeping the tokens', async () => {
    await storage.tryAcquireLock(`refresh:${sessionId}:corp`, 5_000);
    const started = Date.now();
    const outcome = await coordinator(300).refresh(sessionId, 'corp', stale);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(outcome).toEqual({
      status: 'unavailable',
      reason: 'a refresh by another gateway instance did not finish in time',
      tokens: stale,
    });
    expect(corp.refreshCount()).toBe(0);
    expect(await storage.getUpstreamTokens(sessionId, 'corp')).toEqual(stale);
  });

  it('reports revoked when the holder deleted the tokens (invalid_grant elsewhere)', async () => {
    const owner = await storage.tryAcquireLock(`refresh:${sessionId}:corp`, 5_000);
    const waiting = coordinator().refresh(sessionId, 'corp', stale);
    await storage.deleteUpstreamTokensForProvider(sessionId, 'corp');
    await storage.releaseLock(`refresh:${sessionId}:corp`, owner!);
    expect((await waiting).status).toBe('revoked');
    expect(corp.refreshCount()).toBe(0);
  });

  it('takes over when the holder released the lock without refreshing (e.g. its refresh failed)', async () => {
    const owner = await storage.tryAcquireLock(`refresh:${sessionId}:corp`, 5_000);
    const waiting = coordinator().refresh(sessionId, 'corp', stale);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await storage.releaseLock(`refresh:${sessionId}:corp`, owner!);
    const outcome = await waiting;
    expect(outcome.status).toBe('ok');
    expect(corp.refreshCount()).toBe(1);
  });

  it('releases the lock after refreshing', async () => {
    await coordinator().refresh(sessionId, 'corp', stale);
    const owner = await storage.tryAcquireLock(`refresh:${sessionId}:corp`, 1_000);
    expect(owner).toBeDefined();
  });
});

describe('needsRefresh', () => {
  const base: UpstreamTokens = {
    accessToken: 'a',
    tokenType: 'Bearer',
    userId: 'u',
    upstreamSubject: 's',
    clientId: 'c',
  };
  const now = 1_000_000;
  const skew = 30_000;

  it('never for a token without expiry; always for an expired one', () => {
    expect(needsRefresh(base, now, skew)).toBe(false);
    expect(needsRefresh({ ...base, expiresAt: now }, now, skew)).toBe(true);
    expect(needsRefresh({ ...base, expiresAt: now - 1, obtainedAt: now - 10 }, now, skew)).toBe(true);
  });

  it('within the skew when the lifetime is unknown or long', () => {
    expect(needsRefresh({ ...base, expiresAt: now + 30_000 }, now, skew)).toBe(true);
    expect(needsRefresh({ ...base, expiresAt: now + 30_001 }, now, skew)).toBe(false);
    expect(needsRefresh({ ...base, expiresAt: now + 29_000, obtainedAt: now - 3_570_000 }, now, skew)).toBe(
      true,
    );
  });

  it('within half the lifetime when that is shorter than the skew', () => {
    // A 2 s token obtained now is not due; the same token with 0.9 s left is.
    expect(needsRefresh({ ...base, expiresAt: now + 2_000, obtainedAt: now }, now, skew)).toBe(false);
    expect(needsRefresh({ ...base, expiresAt: now + 900, obtainedAt: now - 1_100 }, now, skew)).toBe(true);
  });
});
