import { randomBytes, randomUUID } from 'node:crypto';
import { type Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Grant } from './ports/grant-store.js';
import type { Storage } from './ports/storage.js';
import { createRedisClient } from './redis-client.js';
import { createRedisStorage } from './redis-storage.js';
import {
  grantFixture,
  pendingFixture,
  randomToken,
  refreshTokenFixture,
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

describe('redis cluster: one session (one grant), one slot', () => {
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

  it('the keys of one grant share a slot (CLUSTER KEYSLOT), and different grants land in their own slots', async () => {
    const keyPrefix = prefix();
    const storage = store(keyPrefix);
    // Two fixed ids (slots do not depend on the random key prefix), so the slot check is deterministic.
    const grants = [
      grantFixture({ grantId: 'grant-a' }),
      grantFixture({ grantId: 'grant-b' }),
      ...Array.from({ length: 6 }, () => grantFixture()),
    ];
    const rotated = new Map<string, string>();
    for (const grant of grants) {
      const [first, second] = [refreshTokenFixture(grant.grantId), refreshTokenFixture(grant.grantId)];
      await storage.saveGrant(grant, first);
      // Rotation is one script over the grant's keys: it works whichever node owns the grant.
      expect(await storage.rotateRefreshToken(first, second)).toEqual({ status: 'rotated', grant });
      expect(await storage.findGrantByRefreshToken(first)).toEqual(grant);
      rotated.set(grant.grantId, first);
    }
    const nodes = cluster.nodes.map(({ host, port }) => new Redis({ host, port }));
    const grantSlots: number[] = [];
    try {
      const keyslot = async (key: string) => Number(await nodes[0]!.call('CLUSTER', 'KEYSLOT', key));
      for (const grant of grants) {
        const keys: string[] = [];
        for (const node of nodes) keys.push(...(await node.keys(`${keyPrefix}*${grant.grantId}*`)));
        expect(keys.sort()).toEqual(
          [`${keyPrefix}grant:{g:${grant.grantId}}`, `${keyPrefix}grant-family:{g:${grant.grantId}}`].sort(),
        );
        const slots = new Set<number>();
        for (const key of keys) slots.add(await keyslot(key));
        expect(slots.size).toBe(1);
        const slot = [...slots][0] as number;
        expect(slot).toBe(await keyslot(`g:${grant.grantId}`));
        grantSlots.push(slot);
      }
    } finally {
      for (const node of nodes) node.disconnect();
    }
    // Two grants, two slots (the old fixed `{g}` tag put every grant in one slot).
    expect(grantSlots[0]).not.toBe(grantSlots[1]);
    expect(new Set(grantSlots).size).toBeGreaterThan(1);
    // Reuse on a cluster revokes the family in the same script.
    const [victim] = grants as [Grant];
    const reuse = await storage.rotateRefreshToken(
      rotated.get(victim.grantId) as string,
      refreshTokenFixture(victim.grantId),
    );
    expect(reuse).toEqual({ status: 'reused', grant: victim });
    expect(await storage.getGrant(victim.grantId)).toBeUndefined();
    expect(await storage.getGrant((grants[1] as Grant).grantId)).toEqual(grants[1]);
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
