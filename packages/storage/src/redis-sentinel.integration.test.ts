import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StorageUnavailableError } from './errors.js';
import { createRedisClient } from './redis-client.js';
import { createRedisStorage } from './redis-storage.js';
import {
  runStorageContract,
  startRedisReplica,
  startRedisSentinel,
  startRedisServer,
  type TestRedisSentinel,
  type TestRedisServer,
  upstreamTokensFixture,
} from './testing/index.js';

let master: TestRedisServer;
let replica: TestRedisServer;
let sentinel: TestRedisSentinel;
let client: Redis;

beforeAll(async () => {
  master = await startRedisServer();
  replica = await startRedisReplica(master);
  sentinel = await startRedisSentinel({ masterPort: master.port });
  client = createRedisClient({
    sentinel: { name: sentinel.name, sentinels: [{ host: sentinel.host, port: sentinel.port }] },
  }) as Redis;
  client.on('error', () => {});
});

afterAll(async () => {
  client?.disconnect();
  await sentinel?.stop();
  await replica?.stop();
  await master?.stop();
});

runStorageContract('redis via sentinel', async () => ({
  storage: createRedisStorage({ client, keyPrefix: `s:${randomUUID().slice(0, 8)}:` }),
}));

// The same contract when the writes a session depends on wait for the replica (script and WAIT in one pipeline).
runStorageContract('redis via sentinel, waiting for the replica', async () => ({
  storage: createRedisStorage({ client, keyPrefix: `sw:${randomUUID().slice(0, 8)}:`, waitForReplicas: 1 }),
}));

describe('redis via sentinel: failover', () => {
  it('follows the new master after a failover; meanwhile only typed errors, never a wrong answer', async () => {
    const storage = createRedisStorage({ client, keyPrefix: 'failover:', commandTimeoutMs: 1000 });
    const sid = randomUUID();
    const tokens = upstreamTokensFixture();
    await storage.storeUpstreamTokens(sid, 'corp', tokens);
    expect(await client.call('WAIT', '1', '1000')).toBe(1); // the replica has the entry before the switch

    const admin = new Redis({ host: sentinel.host, port: sentinel.port });
    await admin.call('SENTINEL', 'FAILOVER', sentinel.name);
    admin.disconnect();

    const deadline = Date.now() + 20_000;
    let newMasterPort = master.port;
    for (;;) {
      try {
        const read = await storage.getAllUpstreamTokens(sid);
        // Any answer must be a right one: the replicated entry, plus the one written below if it landed.
        expect(read.corp).toEqual(tokens);
        expect(Object.values(read).every((entry) => entry.accessToken === tokens.accessToken)).toBe(true);
        await storage.storeUpstreamTokens(sid, 'github', tokens);
        newMasterPort = Number((client as unknown as { stream: { remotePort: number } }).stream.remotePort);
        if (newMasterPort === replica.port) break;
      } catch (error) {
        expect(error).toBeInstanceOf(StorageUnavailableError);
      }
      if (Date.now() > deadline) throw new Error('the client did not follow the failover within 20 s');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(newMasterPort).toBe(replica.port);
    expect(Object.keys(await storage.getAllUpstreamTokens(sid)).sort()).toEqual(['corp', 'github']);
    await storage.close();
  });
});
