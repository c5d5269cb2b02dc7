import { describe, expect, it } from 'vitest';
import type { RedisStorageConfig } from './gateway-config.js';
import { parseConfig } from './parse-config.js';
import {
  BASE_ENV,
  configErrorOf,
  expectIssue,
  singleUpstreamConfig,
  variant,
} from './test-support/config-fixtures.js';

const parse = (config: object) => parseConfig(config, { env: BASE_ENV });
const sentinel = (extra: Record<string, unknown> = {}) =>
  variant(singleUpstreamConfig(), {
    storage: {
      type: 'redis',
      sentinel: { name: 'mymaster', sentinels: [{ host: '10.0.0.1', port: 26379 }] },
      ...extra,
    },
  });

describe('storage.wait_for_replicas / wait_timeout_ms: writes acknowledged by replicas', () => {
  it('default to no WAIT and a 500 ms timeout', () => {
    const storage = parse(sentinel()).storage as RedisStorageConfig;
    expect(storage).toMatchObject({ waitForReplicas: 0, waitTimeoutMs: 500 });
  });

  it('take a replica count and a timeout', () => {
    const storage = parse(sentinel({ wait_for_replicas: 1, wait_timeout_ms: 250 }))
      .storage as RedisStorageConfig;
    expect(storage).toMatchObject({ waitForReplicas: 1, waitTimeoutMs: 250 });
  });

  it('name each bad value with its path', () => {
    const negative = configErrorOf(() => parse(sentinel({ wait_for_replicas: -1, wait_timeout_ms: 0 })));
    expectIssue(negative, 'storage.wait_for_replicas', /whole number of replicas/);
    expectIssue(negative, 'storage.wait_timeout_ms', /from 1 to 1500/);
    const tooLong = configErrorOf(() => parse(sentinel({ wait_for_replicas: 1.5, wait_timeout_ms: 2000 })));
    expectIssue(tooLong, 'storage.wait_for_replicas', /whole number of replicas/);
    expectIssue(tooLong, 'storage.wait_timeout_ms', /below the 2 s command timeout/);
    const text = configErrorOf(() => parse(sentinel({ wait_for_replicas: 'one' })));
    expectIssue(text, 'storage.wait_for_replicas', /whole number/);
  });
});
