import { describe, expect, it } from 'vitest';
import type { RedisStorageConfig } from './gateway-config.js';
import { parseConfig } from './parse-config.js';
import {
  BASE_ENV,
  configErrorOf,
  expectIssue,
  fakeFiles,
  SECRET_VALUES,
  singleUpstreamConfig,
  variant,
} from './test-support/config-fixtures.js';

const single = singleUpstreamConfig();
const parse = (config: object, env: Record<string, string> = BASE_ENV) => parseConfig(config, { env });
const OLD_KEY = Buffer.alloc(32, 7).toString('base64');
const redis = (extra: Record<string, unknown> = {}) =>
  variant(single, {
    storage: {
      type: 'redis',
      url: 'redis://127.0.0.1:6379',
      encryption_key_env: 'REDIS_ENCRYPTION_KEY',
      ...extra,
    },
  });

describe('record lifetimes, refresh locks and upstream timeouts', () => {
  it('have defaults: users kept 90 days after their last grant, a 3 s refresh lock, a 5 s wait, 10 s per upstream', () => {
    const config = parse(single);
    expect(config.users).toEqual({ retention: 90 * 86_400 });
    expect(config.refresh).toEqual({ lockLifetime: 3, wait: 5 });
    expect(config.upstreams.map((upstream) => upstream.timeout)).toEqual([10]);
  });

  it('take durations', () => {
    const config = parse(
      variant(single, {
        'users.retention': '30d',
        'refresh.lock_lifetime': '2s',
        'refresh.wait': 4,
        'upstreams.0.timeout': '1s',
      }),
    );
    expect(config.users).toEqual({ retention: 30 * 86_400 });
    expect(config.refresh).toEqual({ lockLifetime: 2, wait: 4 });
    expect(config.upstreams[0]!.timeout).toBe(1);
  });

  it('name each bad value with its path', () => {
    const error = configErrorOf(() =>
      parse(
        variant(single, {
          'users.retention': '1h',
          'refresh.lock_lifetime': '0s',
          'refresh.wait': '2m',
          'refresh.wiat': '1s',
          'upstreams.0.timeout': '5m',
        }),
      ),
    );
    expectIssue(error, 'users.retention', /between 1d and 3650d/);
    expectIssue(error, 'refresh.lock_lifetime', /between 1s and 60s/);
    expectIssue(error, 'refresh.wait', /between 1s and 60s/);
    expectIssue(error, 'refresh.wiat', /wait/);
    expectIssue(error, 'upstreams[0].timeout', /between 1s and 2m/);
  });
});

describe('storage.previous_encryption_keys: key rotation from the config', () => {
  it('resolves former keys from env or file, normalized to base64; none by default', () => {
    expect((parse(redis()).storage as RedisStorageConfig).previousEncryptionKeys).toEqual([]);
    const olderHex = Buffer.alloc(32, 9).toString('hex');
    const storage = parseConfig(
      redis({ previous_encryption_keys: [{ key_env: 'OLD_KEY' }, { key_file: '/keys/older' }] }),
      { env: { ...BASE_ENV, OLD_KEY }, readFile: fakeFiles({ '/keys/older': `${olderHex}\n` }) },
    ).storage as RedisStorageConfig;
    expect(storage.encryptionKey?.reveal()).toBe(
      Buffer.from(SECRET_VALUES.encryptionKeyHex, 'hex').toString('base64'),
    );
    expect(storage.previousEncryptionKeys.map((key) => key.reveal())).toEqual([
      OLD_KEY,
      Buffer.alloc(32, 9).toString('base64'),
    ]);
  });

  it('refuses a malformed former key, an entry without a source, and former keys without a current one', () => {
    const error = configErrorOf(() =>
      parseConfig(
        variant(single, {
          storage: {
            type: 'redis',
            url: 'redis://127.0.0.1:6379',
            previous_encryption_keys: [{ key_env: 'SHORT_KEY' }, {}],
          },
        }),
        { env: { ...BASE_ENV, SHORT_KEY: 'abc', OLD_KEY } },
      ),
    );
    expectIssue(error, 'storage.previous_encryption_keys[0].key_env', /32-byte key/);
    expectIssue(error, 'storage.previous_encryption_keys[1]', /key_env or key_file/);
    expectIssue(error, 'storage.previous_encryption_keys', /needs the current key/);
    // No key value is ever echoed.
    expect(error.message).not.toContain(OLD_KEY);
    expect(error.message).not.toContain('abc');
    const inline = configErrorOf(() =>
      parse(redis({ previous_encryption_keys: [{ key: OLD_KEY }] }), { ...BASE_ENV }),
    );
    expectIssue(inline, 'storage.previous_encryption_keys[0].key', /never written inline/);
    expect(inline.message).not.toContain(OLD_KEY);
  });
});
