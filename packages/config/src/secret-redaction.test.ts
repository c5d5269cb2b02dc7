import { inspect } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import type { GatewayConfig } from './gateway-config.js';
import { parseConfig } from './parse-config.js';
import { Secret } from './secret.js';
import {
  BASE_ENV,
  baseConfig,
  configErrorOf,
  fakeFiles,
  generatePems,
  SECRET_VALUES,
  variant,
} from './test-support/config-fixtures.js';

let pem: string;
let fullConfig: GatewayConfig;
const fileSecret = 'file-held-client-secret-0c4d2e';
const sentinelPassword = 'sentinel-password-99aa';

beforeAll(() => {
  pem = generatePems().p256;
  const config = variant(baseConfig(), {
    signing_keys: [{ file: '/keys/current.pem' }],
    storage: {
      type: 'redis',
      url_env: 'REDIS_URL',
      encryption_key_env: 'REDIS_ENCRYPTION_KEY',
    },
    clients: [
      {
        client_id: 'portal',
        client_secret_file: '/run/secrets/portal',
        redirect_uris: ['https://portal.example.com/cb'],
      },
    ],
  });
  fullConfig = parseConfig(config, {
    env: BASE_ENV,
    readFile: fakeFiles({ '/keys/current.pem': pem, '/run/secrets/portal': `${fileSecret}\n` }),
  });
});

/** Every secret value the tests hand out, and distinctive fragments of them. */
function secretsIn(text: string): string[] {
  const secrets = [
    ...Object.values(SECRET_VALUES),
    'redis-password-5a1c',
    fileSecret,
    sentinelPassword,
    'inline-secret-value-d00d',
    'hunter2-inline-redis',
    Buffer.from(SECRET_VALUES.encryptionKeyHex, 'hex').toString('base64'),
    ...(pem === undefined ? [] : [pem.split('\n')[1]!]),
  ];
  return secrets.filter((secret) => text.includes(secret));
}

describe('secrets never printed', () => {
  it('the normalized config holds the secrets, revealed only on demand', () => {
    expect(fullConfig.upstreams[0]!.clientSecret?.reveal()).toBe(SECRET_VALUES.corp);
    expect(fullConfig.clients[0]!.clientSecret?.reveal()).toBe(fileSecret);
    expect(fullConfig.signingKeys[0]!.pem.reveal()).toBe(pem);
  });

  it('JSON.stringify, String and util.inspect of the normalized config show no secret', () => {
    for (const text of [
      JSON.stringify(fullConfig),
      String(fullConfig.upstreams[0]!.clientSecret),
      `${fullConfig.storage.type === 'redis' ? fullConfig.storage.url : ''}`,
      inspect(fullConfig, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
      inspect(fullConfig, { depth: Number.POSITIVE_INFINITY, getters: true }),
    ]) {
      expect(secretsIn(text)).toEqual([]);
    }
    expect(JSON.stringify(fullConfig)).toContain('"clientSecret":"[redacted]"');
    expect(Object.keys(new Secret('x'))).toEqual([]);
  });

  it('no error message or issue carries a secret value', () => {
    const cases: Array<() => unknown> = [
      // the secret written inline where a key name belongs
      () =>
        parseConfig(variant(baseConfig(), { 'upstreams.0.client_secret': 'inline-secret-value-d00d' }), {
          env: BASE_ENV,
        }),
      // the secret value put in *_env instead of the variable name
      () =>
        parseConfig(variant(baseConfig(), { 'upstreams.0.client_secret_env': SECRET_VALUES.corp }), {
          env: BASE_ENV,
        }),
      () =>
        parseConfig(variant(baseConfig(), { 'upstreams.0.client_secret_env': 'inline-secret-value-d00d' }), {
          env: BASE_ENV,
        }),
      // an inline Redis URL with a password
      () =>
        parseConfig(
          variant(baseConfig(), { storage: { type: 'redis', url: 'redis://:hunter2-inline-redis@h:1' } }),
          {
            env: BASE_ENV,
          },
        ),
      // a Redis URL from env that is not one, with a password
      () =>
        parseConfig(variant(baseConfig(), { storage: { type: 'redis', url_env: 'REDIS_URL' } }), {
          env: { ...BASE_ENV, REDIS_URL: `http://x:${SECRET_VALUES.portal}@h` },
        }),
      // a wrong-length encryption key
      () =>
        parseConfig(
          variant(baseConfig(), {
            storage: {
              type: 'redis',
              url: 'redis://127.0.0.1:6379',
              encryption_key_env: 'REDIS_ENCRYPTION_KEY',
            },
          }),
          { env: { ...BASE_ENV, REDIS_ENCRYPTION_KEY: SECRET_VALUES.corp } },
        ),
      // a sentinel with both password sources
      () =>
        parseConfig(
          variant(baseConfig(), {
            storage: {
              type: 'redis',
              sentinel: {
                name: 'm',
                sentinels: [{ host: 'h', port: 1 }],
                password_env: 'SENTINEL_PW',
                password_file: '/pw',
              },
            },
          }),
          {
            env: { ...BASE_ENV, SENTINEL_PW: sentinelPassword },
            readFile: fakeFiles({ '/pw': sentinelPassword }),
          },
        ),
      // a YAML syntax error on the line of an inline secret
      () => parseConfig('issuer: x\nupstreams:\n  - client_secret: "inline-secret-value-d00d\n  bad: [\n'),
      () => parseConfig('upstreams:\n  - client_secret: inline-secret-value-d00d: nested: mapping\n'),
      // a JSON syntax error next to an inline secret
      () => parseConfig('{"upstreams": [{"client_secret": inline-secret-value-d00d}]}'),
      () => parseConfig('{"client_secret": "inline-secret-value-d00d",}', { format: 'json' }),
      // a secret file with the secret value as its path
      () =>
        parseConfig(variant(baseConfig(), { 'clients.0.client_secret_file': SECRET_VALUES.portal }), {
          env: BASE_ENV,
          readFile: fakeFiles({}),
        }),
    ];
    for (const run of cases) {
      const error = configErrorOf(run);
      expect(error).toBeInstanceOf(ConfigError);
      const texts = [error.message, JSON.stringify(error.issues), inspect(error), String(error.stack)];
      for (const text of texts) expect(secretsIn(text)).toEqual([]);
    }
  });
});
