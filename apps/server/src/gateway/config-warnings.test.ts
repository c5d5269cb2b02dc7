import { parseConfig } from '@auth/config';
import { describe, expect, it } from 'vitest';
import { configWarnings } from './config-warnings.js';

const ENV = { REDIS_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64') };
const sentinelConfig = (extra: Record<string, unknown>) =>
  parseConfig(
    {
      issuer: 'http://127.0.0.1:8080',
      storage: {
        type: 'redis',
        sentinel: { name: 'mymaster', sentinels: [{ host: '127.0.0.1', port: 26379 }] },
        encryption_key_env: 'REDIS_ENCRYPTION_KEY',
        ...extra,
      },
      upstreams: [{ type: 'oidc', issuer: 'http://127.0.0.1:9001', client_id: 'gateway' }],
    },
    { env: ENV },
  );

describe('configWarnings: Sentinel without wait_for_replicas (issue 11 item 12)', () => {
  it('warns that a failover loses the latest logins, naming the key to set', () => {
    const warnings = configWarnings(sentinelConfig({}));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/storage\.wait_for_replicas is 0 with Sentinel.*set it to 1/);
  });

  it('says nothing once the writes wait for a replica', () => {
    expect(configWarnings(sentinelConfig({ wait_for_replicas: 1 }))).toEqual([]);
  });
});
