import { randomBytes } from 'node:crypto';
import { createRedisStorage } from '@auth/storage';
import { startRedisServer, type TestRedisServer } from '@auth/storage/testing';
import { afterAll, beforeAll } from 'vitest';
import { chainSuite } from './test-support/chain-suite.js';

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
