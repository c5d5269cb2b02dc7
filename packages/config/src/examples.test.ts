import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OAuth2UpstreamConfig, RedisStorageConfig } from './gateway-config.js';
import { loadConfig } from './load-config.js';
import { BASE_ENV, generatePems, SECRET_VALUES } from './test-support/config-fixtures.js';

const examplesDir = fileURLToPath(new URL('../../../examples/', import.meta.url));
const example = (name: string) => `${examplesDir}${name}`;

describe('examples/', () => {
  it('holds the three documented examples, each pointing editors at the JSON Schema', () => {
    const files = readdirSync(examplesDir).filter((file) => file.endsWith('.yaml'));
    expect(files.sort()).toEqual(['minimal.yaml', 'production.yaml', 'two-upstreams.yaml']);
    for (const file of files) {
      expect(readFileSync(example(file), 'utf8').split('\n')[0]).toBe(
        '# yaml-language-server: $schema=../packages/config/schema/gateway-config.schema.json',
      );
    }
  });

  it('minimal.yaml: one unnamed OIDC upstream named "default"', () => {
    const config = loadConfig(example('minimal.yaml'));
    expect(config.upstreams).toEqual([
      {
        type: 'oidc',
        name: 'default',
        issuer: 'http://127.0.0.1:9001',
        clientId: 'gateway',
        scopes: ['openid', 'profile', 'email', 'offline_access'],
        optional: false,
        timeout: 10,
      },
    ]);
    expect(config.routes).toEqual([
      {
        path: '/mcp',
        backend: 'http://127.0.0.1:9101',
        upstream: 'default',
        headerStrategy: 'replace',
        resource: 'http://127.0.0.1:8080/mcp',
      },
    ]);
    expect(config.storage).toEqual({ type: 'memory' });
    expect(config.signingKeys).toEqual([]);
  });

  it('two-upstreams.yaml: the demo, corp (oidc) then github (oauth2), with an untrusted demo client (the consent page shows) and display names', () => {
    const config = loadConfig(example('two-upstreams.yaml'), { env: BASE_ENV, maxUpstreams: 2 });
    expect(config.upstreams.map((upstream) => upstream.clientSecret?.reveal())).toEqual([
      SECRET_VALUES.corp,
      SECRET_VALUES.github,
    ]);
    expect(config.issuer).toBe('http://127.0.0.1:8080');
    expect(config.upstreams.map((upstream) => [upstream.name, upstream.type, upstream.displayName])).toEqual([
      ['corp', 'oidc', 'Corp SSO'],
      ['github', 'oauth2', 'GitHub'],
    ]);
    expect((config.upstreams[1] as OAuth2UpstreamConfig).userinfo).toEqual({
      endpoint: 'http://127.0.0.1:9002/user',
      subjectField: 'id',
      nameField: 'login',
      emailField: 'email',
    });
    expect(config.routes).toEqual([
      {
        path: '/mcp/corp',
        backend: 'http://127.0.0.1:9101',
        upstream: 'corp',
        headerStrategy: 'replace',
        resource: 'http://127.0.0.1:8080/mcp/corp',
      },
      {
        path: '/mcp/github',
        backend: 'http://127.0.0.1:9102',
        upstream: 'github',
        headerStrategy: 'custom',
        customHeaderName: 'X-Upstream-Token',
        resource: 'http://127.0.0.1:8080/mcp/github',
      },
    ]);
    expect(config.clients).toEqual([
      {
        clientId: 'demo',
        clientName: 'Gateway demo page',
        redirectUris: ['http://127.0.0.1:8090/callback'],
        trusted: false,
      },
    ]);
  });

  describe('production.yaml', () => {
    let pems: ReturnType<typeof generatePems>;
    beforeAll(() => {
      pems = generatePems();
    });

    it('parses with its environment and key files', () => {
      const keys: Record<string, string> = {
        [example('keys/current.pem')]: pems.p256,
        [example('keys/previous.pem')]: pems.rsa2048,
      };
      const config = loadConfig(example('production.yaml'), {
        env: BASE_ENV,
        readFile: (path) => keys[path] ?? readFileSync(path, 'utf8'),
      });
      expect(config.issuer).toBe('https://auth.example.com');
      expect(config.signingKeys.map((key) => [key.file, key.alg])).toEqual([
        [example('keys/current.pem'), 'ES256'],
        [example('keys/previous.pem'), 'RS256'],
      ]);
      expect(config.tokenLifetimes).toEqual({
        accessToken: 900,
        refreshToken: 2_592_000,
        authorizationCode: 60,
      });
      const storage = config.storage as RedisStorageConfig;
      expect(storage.keyPrefix).toBe('gateway:');
      expect(storage.url?.reveal()).toBe(SECRET_VALUES.redisUrl);
      // Production encrypts at rest: upstream refresh tokens are never in Redis in clear.
      expect(storage.encryptionKey?.reveal()).toBe(
        Buffer.from(SECRET_VALUES.encryptionKeyHex, 'hex').toString('base64'),
      );
      expect(storage.previousEncryptionKeys).toEqual([]);
      expect(config.users).toEqual({ retention: 90 * 86_400 });
      expect(config.refresh).toEqual({ lockLifetime: 3, wait: 5 });
      expect(
        config.upstreams.map((upstream) => [
          upstream.name,
          upstream.optional,
          upstream.clientSecret?.reveal(),
          upstream.timeout,
        ]),
      ).toEqual([
        ['corp', false, SECRET_VALUES.corp, 10],
        ['github', true, SECRET_VALUES.github, 15],
      ]);
      expect(config.clients[0]!.clientSecret?.reveal()).toBe(SECRET_VALUES.portal);
      expect(config.routes.map((route) => route.resource)).toEqual([
        'https://auth.example.com/mcp/corp',
        'https://auth.example.com/mcp/github',
      ]);
      expect(config.server).toMatchObject({ trustProxy: ['10.0.0.0/8'], keepAliveTimeout: 65 });
    });

    it('names every missing variable and key file at once when run without them', () => {
      expect(() => loadConfig(example('production.yaml'), { env: {} })).toThrowError(
        expect.objectContaining({
          code: 'ERR_CONFIG_INVALID',
          issues: [
            expect.objectContaining({
              path: 'signing_keys[0].file',
              message: expect.stringContaining('ENOENT'),
            }),
            expect.objectContaining({ path: 'signing_keys[1].file' }),
            expect.objectContaining({
              path: 'storage.url_env',
              message: 'the environment variable named here is not set',
            }),
            expect.objectContaining({ path: 'storage.encryption_key_env' }),
            expect.objectContaining({ path: 'clients[0].client_secret_env' }),
            expect.objectContaining({ path: 'upstreams[0].client_secret_env' }),
            expect.objectContaining({ path: 'upstreams[1].client_secret_env' }),
          ],
        }),
      );
    });
  });
});
