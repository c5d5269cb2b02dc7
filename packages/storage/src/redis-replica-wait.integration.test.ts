import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidStorageArgumentError, StorageUnavailableError } from './errors.js';
import type { Storage } from './ports/storage.js';
import { createRedisStorage } from './redis-storage.js';
import {
  codeRecordFixture,
  grantFixture,
  pendingConsentFixture,
  randomToken,
  refreshTokenFixture,
  startRedisReplica,
  startRedisServer,
  type TestRedisServer,
  upstreamTokensFixture,
} from './testing/index.js';

/**
 * Issue 11 item 12: with `waitForReplicas`, the writes a session depends on count only once the
 * replicas acknowledged them (`WAIT`), so a Sentinel failover that promotes a replica keeps them.
 * A master with one replica: asking for 1 is met, asking for 2 never is.
 */
let master: TestRedisServer;
let replica: TestRedisServer;
let onMaster: Redis;
let onReplica: Redis;

/** How many WAIT commands the master has run. */
async function waitCalls(): Promise<number> {
  const stats = await onMaster.info('commandstats');
  return Number(stats.match(/cmdstat_wait:calls=(\d+)/)?.[1] ?? 0);
}

beforeAll(async () => {
  master = await startRedisServer();
  replica = await startRedisReplica(master);
  onMaster = new Redis(master.url);
  onReplica = new Redis(replica.url);
});

afterAll(async () => {
  onMaster?.disconnect();
  onReplica?.disconnect();
  await replica?.stop();
  await master?.stop();
});

/** A storage on the master with its own key prefix. */
function storageWith(options: { waitForReplicas?: number; waitTimeoutMs?: number }): {
  storage: Storage;
  prefix: string;
} {
  const prefix = `w:${randomUUID().slice(0, 8)}:`;
  return { storage: createRedisStorage({ url: master.url, keyPrefix: prefix, ...options }), prefix };
}

describe('redis: writes acknowledged by replicas (WAIT)', () => {
  it('waitForReplicas 1: code, grant, upstream tokens, session end and user retention are on the replica when the call resolves', async () => {
    const { storage, prefix } = storageWith({ waitForReplicas: 1 });
    const before = await waitCalls();
    const sid = randomUUID();
    const grant = grantFixture({ sessionId: sid });
    const code = randomToken('code');
    await storage.storeUpstreamTokens(sid, 'corp', upstreamTokensFixture());
    await storage.setUpstreamSessionExpiry(sid, Date.now() + 600_000);
    await storage.saveAuthorizationCode(code, codeRecordFixture({ sessionId: sid }));
    await storage.saveGrant(grant, refreshTokenFixture(grant.grantId));
    await storage.saveUser({ id: 'u-1', createdAt: 1, updatedAt: 1 }, Date.now() + 60_000);
    await storage.retainUser('u-1', Date.now() + 120_000, []);
    // One WAIT per durable write (store, session end, code, grant, retain); saveUser is covered by the next one.
    expect((await waitCalls()) - before).toBe(5);
    // Read on the replica at once, no waiting: each write was there before its call resolved.
    expect(await onReplica.exists(`${prefix}upstream:{${sid}}:corp`)).toBe(1);
    expect(await onReplica.exists(`${prefix}grant:{g:${grant.grantId}}`)).toBe(1);
    expect((await onReplica.keys(`${prefix}code:*`)).length).toBe(1);
    expect(await onReplica.pttl(`${prefix}user:u-1`)).toBeGreaterThan(60_000);
    await storage.close();
  });

  it('fewer replicas than asked: the write rejects with StorageUnavailableError and leaves nothing behind', async () => {
    const { storage, prefix } = storageWith({ waitForReplicas: 2, waitTimeoutMs: 100 });
    const sid = randomUUID();
    const grant = grantFixture({ sessionId: sid });
    const refreshToken = refreshTokenFixture(grant.grantId);
    const code = randomToken('code');

    await expect(storage.storeUpstreamTokens(sid, 'corp', upstreamTokensFixture())).rejects.toThrow(
      StorageUnavailableError,
    );
    await expect(storage.saveAuthorizationCode(code, codeRecordFixture())).rejects.toThrow(
      /1 of 2 replicas acknowledged the write within 100 ms/,
    );
    await expect(storage.saveGrant(grant, refreshToken)).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(storage.setUpstreamSessionExpiry(sid, Date.now() + 1000)).rejects.toBeInstanceOf(
      StorageUnavailableError,
    );

    // Reads need no replica: the records the failed writes made are gone.
    expect(await storage.getAllUpstreamTokens(sid)).toEqual({});
    expect(await storage.consumeAuthorizationCode(code)).toEqual({ status: 'unknown' });
    expect(await storage.getGrant(grant.grantId)).toBeUndefined();
    expect(await storage.findGrantByRefreshToken(refreshToken)).toBeUndefined();
    expect(await onMaster.keys(`${prefix}*`)).toEqual([]);
    await storage.close();
  });

  it('waitForReplicas 0 (the default) sends no WAIT; other writes never wait', async () => {
    const { storage } = storageWith({});
    const waiting = storageWith({ waitForReplicas: 1 }).storage;
    const before = await waitCalls();
    const sid = randomUUID();
    await storage.storeUpstreamTokens(sid, 'corp', upstreamTokensFixture());
    await storage.saveAuthorizationCode(randomToken('code'), codeRecordFixture());
    await waiting.savePendingAuthorization(pendingConsentFixture());
    expect(await waitCalls()).toBe(before);
    await storage.close();
    await waiting.close();
  });

  it('a short command timeout with WAIT off needs no WAIT timeout (regression: the 500 ms default was refused below 501 ms)', async () => {
    for (const commandTimeoutMs of [1, 200, 500]) {
      const storage = createRedisStorage({ url: master.url, keyPrefix: 'x:', commandTimeoutMs });
      await storage.close();
    }
    const waiting = createRedisStorage({
      url: master.url,
      keyPrefix: 'x:',
      commandTimeoutMs: 300,
      waitForReplicas: 1,
    });
    await waiting.close();
  });

  it('rejects a bad replica count or a WAIT timeout not below the command timeout', () => {
    for (const options of [
      { waitForReplicas: -1 },
      { waitForReplicas: 1.5 },
      { waitForReplicas: 1, waitTimeoutMs: 0 },
      { waitForReplicas: 1, waitTimeoutMs: 2000 },
      { waitForReplicas: 1, commandTimeoutMs: 500, waitTimeoutMs: 600 },
    ]) {
      expect(() => createRedisStorage({ url: master.url, keyPrefix: 'x:', ...options })).toThrow(
        InvalidStorageArgumentError,
      );
    }
  });
});
