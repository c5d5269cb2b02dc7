import { randomBytes, randomUUID } from 'node:crypto';
import { type Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from './ports/storage.js';
import { createRedisClient } from './redis-client.js';
import { createRedisStorage } from './redis-storage.js';
import {
  pendingFixture,
  randomToken,
  runStorageContract,
  startRedisCluster,
  type TestRedisCluster,
  upstreamTokensFixture,
} from './testing/index.js';

let cluster: TestRedisCluster;
let client: Cluster;
const opened: Storage[] = [];

beforeAll(async () => {
  cluster = await startRedisCluster();
  client = createRedisClient({ cluster: { nodes: cluster.nodes } }) as Cluster;
});

afterAll(async () => {
  await Promise.all(opened.map((storage) => storage.close()));
  client?.disconnect();
  await cluster?.stop();
});

const prefix = (): string => `c:${randomUUID().slice(0, 8)}:`;

function store(keyPrefix = prefix(), encryptionKey?: Buffer): Storage {
  const storage = createRedisStorage({
    client,
    keyPrefix,
    ...(encryptionKey === undefined ? {} : { encryptionKey }),
  });
  opened.push(storage);
  return storage;
}

runStorageContract('redis cluster (3 masters)', async () => ({ storage: store() }));
runStorageContract('redis cluster, encrypted at rest', async () => ({
  storage: store(prefix(), randomBytes(32)),
}));

describe('redis cluster: one session, one slot (SPEC §3)', () => {
  it('every key of a session hashes to one slot (CLUSTER KEYSLOT), and sessions spread over slots', async () => {
    const keyPrefix = prefix();
    const storage = store(keyPrefix);
    const sessions = Array.from({ length: 12 }, () => randomUUID());
    for (const sid of sessions) {
      for (const provider of ['corp', 'github', 'extra']) {
        await storage.storeUpstreamTokens(sid, provider, upstreamTokensFixture());
      }
    }
    const nodes = cluster.nodes.map(({ host, port }) => new Redis({ host, port }));
    const sessionSlots = new Set<number>();
    try {
      for (const sid of sessions) {
        const keys: string[] = [];
        for (const node of nodes) keys.push(...(await node.keys(`${keyPrefix}*${sid}*`)));
        expect(keys.sort()).toEqual(
          [
            `${keyPrefix}upstream:idx:{${sid}}`,
            `${keyPrefix}upstream:{${sid}}:corp`,
            `${keyPrefix}upstream:{${sid}}:extra`,
            `${keyPrefix}upstream:{${sid}}:github`,
          ].sort(),
        );
        const slots = new Set<number>();
        for (const key of keys) slots.add(Number(await nodes[0]!.call('CLUSTER', 'KEYSLOT', key)));
        expect(slots.size).toBe(1);
        sessionSlots.add([...slots][0] as number);
      }
    } finally {
      for (const node of nodes) node.disconnect();
    }
    expect(sessionSlots.size).toBeGreaterThan(1);
  });

  it('multi-key scripts work whichever node owns the session (100 concurrent consumes too)', async () => {
    const storage = store();
    const sessions = Array.from({ length: 20 }, () => randomUUID());
    await Promise.all(
      sessions.map((sid) => storage.storeUpstreamTokens(sid, 'corp', upstreamTokensFixture())),
    );
    for (const sid of sessions)
      expect(Object.keys(await storage.getAllUpstreamTokens(sid))).toEqual(['corp']);
    await Promise.all(sessions.map((sid) => storage.deleteUpstreamTokens(sid)));
    for (const sid of sessions) expect(await storage.getAllUpstreamTokens(sid)).toEqual({});

    const pending = pendingFixture();
    await storage.savePendingAuthorization(pending);
    const results = await Promise.all(
      Array.from({ length: 100 }, () => storage.consumePendingAuthorization(pending.id)),
    );
    expect(results.filter((result) => result !== undefined)).toHaveLength(1);
    expect(await storage.consumePendingAuthorization(randomToken())).toBeUndefined();
  });
});
