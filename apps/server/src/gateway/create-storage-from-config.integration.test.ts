import { Secret, type StorageConfig } from '@auth/config';
import type { UpstreamTokens } from '@auth/storage';
import {
  startRedisCluster,
  startRedisServer,
  type TestRedisCluster,
  type TestRedisServer,
} from '@auth/storage/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logging/create-logger.js';
import { createStorageFromConfig } from './create-storage-from-config.js';

const logger = createLogger({ level: 'silent' });
const tokens: UpstreamTokens = {
  accessToken: 'upstream-access-value-4f1c9e',
  refreshToken: 'upstream-refresh-value-7a2d30',
  tokenType: 'Bearer',
  expiresAt: Date.now() + 60_000,
  sessionExpiresAt: Date.now() + 3_600_000,
  userId: 'user-1',
  upstreamSubject: 'alice',
  clientId: 'client-1',
};

let redis: TestRedisServer;
let cluster: TestRedisCluster;
beforeAll(async () => {
  [redis, cluster] = await Promise.all([startRedisServer(), startRedisCluster()]);
});
afterAll(async () => {
  await Promise.all([redis?.stop(), cluster?.stop()]);
});

describe('createStorageFromConfig', () => {
  it('memory: an in-process store', async () => {
    const owned = createStorageFromConfig({ type: 'memory' }, { logger, warnOnMemory: false });
    expect(owned.storage.kind).toBe('memory');
    await owned.close();
  });

  it('redis url with an encryption key (hex): tokens round-trip, and a raw dump holds none of them', async () => {
    const config: StorageConfig = {
      type: 'redis',
      url: new Secret(redis.url),
      keyPrefix: 'gw-test:',
      encryptionKey: new Secret(Buffer.alloc(32, 7).toString('base64')),
      previousEncryptionKeys: [],
      waitForReplicas: 0,
      waitTimeoutMs: 500,
    };
    const owned = createStorageFromConfig(config, { logger, warnOnMemory: true });
    expect(owned.storage.kind).toBe('redis');
    await owned.storage.storeUpstreamTokens('session-1', 'corp', tokens);
    expect(await owned.storage.getAllUpstreamTokens('session-1')).toEqual({ corp: tokens });

    const raw = new Redis(redis.url);
    const keys = await raw.keys('gw-test:*');
    expect(keys.length).toBeGreaterThan(0);
    const values = await Promise.all(
      keys.map(async (key) =>
        (await raw.type(key)) === 'string' ? raw.get(key) : JSON.stringify(await raw.smembers(key)),
      ),
    );
    expect(values.join('\n')).not.toContain(tokens.accessToken);
    expect(values.join('\n')).not.toContain(tokens.refreshToken);
    await raw.quit();

    await owned.close();
    await expect(owned.storage.ping()).rejects.toMatchObject({ code: 'ERR_STORAGE_UNAVAILABLE' });
  });

  it('key rotation from the config: a value written under the old key is read after the key changed', async () => {
    const oldKey = new Secret(Buffer.alloc(32, 1).toString('base64'));
    const newKey = new Secret(Buffer.alloc(32, 2).toString('base64'));
    const base = {
      type: 'redis' as const,
      url: new Secret(redis.url),
      keyPrefix: 'gw-rotate:',
      waitForReplicas: 0,
      waitTimeoutMs: 500,
    };
    const before = createStorageFromConfig(
      { ...base, encryptionKey: oldKey, previousEncryptionKeys: [] },
      { logger, warnOnMemory: false },
    );
    await before.storage.storeUpstreamTokens('session-r', 'corp', tokens);
    await before.close();

    // Without the old key among previous_encryption_keys the value cannot be read.
    const forgot = createStorageFromConfig(
      { ...base, encryptionKey: newKey, previousEncryptionKeys: [] },
      { logger, warnOnMemory: false },
    );
    await expect(forgot.storage.getAllUpstreamTokens('session-r')).rejects.toMatchObject({
      name: 'StorageDecryptionError',
    });
    await forgot.close();

    const rotated = createStorageFromConfig(
      { ...base, encryptionKey: newKey, previousEncryptionKeys: [oldKey] },
      { logger, warnOnMemory: false },
    );
    expect(await rotated.storage.getAllUpstreamTokens('session-r')).toEqual({ corp: tokens });
    // New writes use the new key: a store that knows only the new key reads them.
    await rotated.storage.storeUpstreamTokens('session-r', 'github', tokens);
    await rotated.close();
    const onlyNew = createStorageFromConfig(
      { ...base, encryptionKey: newKey, previousEncryptionKeys: [] },
      { logger, warnOnMemory: false },
    );
    expect(await onlyNew.storage.getUpstreamTokens('session-r', 'github')).toEqual(tokens);
    await onlyNew.close();
  });

  it('redis cluster: nodes from the config, one session readable in one bulk read', async () => {
    const config: StorageConfig = {
      type: 'redis',
      keyPrefix: 'gw-cluster:',
      cluster: { nodes: cluster.nodes },
      previousEncryptionKeys: [],
      waitForReplicas: 0,
      waitTimeoutMs: 500,
    };
    const owned = createStorageFromConfig(config, { logger, warnOnMemory: true });
    await owned.storage.storeUpstreamTokens('session-2', 'corp', tokens);
    await owned.storage.storeUpstreamTokens('session-2', 'github', { ...tokens, accessToken: 'gh-access-1' });
    expect(Object.keys(await owned.storage.getAllUpstreamTokens('session-2')).sort()).toEqual([
      'corp',
      'github',
    ]);
    await owned.close();
  });

  it('wait_for_replicas reaches the storage: on a cluster without replicas a login write fails as unavailable and is undone', async () => {
    const config: StorageConfig = {
      type: 'redis',
      keyPrefix: 'gw-wait:',
      cluster: { nodes: cluster.nodes },
      previousEncryptionKeys: [],
      waitForReplicas: 1,
      waitTimeoutMs: 50,
    };
    const owned = createStorageFromConfig(config, { logger, warnOnMemory: true });
    await expect(owned.storage.storeUpstreamTokens('session-3', 'corp', tokens)).rejects.toMatchObject({
      code: 'ERR_STORAGE_UNAVAILABLE',
      message: expect.stringContaining('0 of 1 replicas acknowledged'),
    });
    expect(await owned.storage.getAllUpstreamTokens('session-3')).toEqual({});
    await owned.close();
  });
});
