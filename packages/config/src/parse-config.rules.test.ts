import { describe, expect, it } from 'vitest';
import type { GatewayConfig, OAuth2UpstreamConfig, RedisStorageConfig } from './gateway-config.js';
import { type ParseConfigOptions, parseConfig } from './parse-config.js';
import {
  BASE_ENV,
  baseConfig,
  configErrorOf,
  expectIssue,
  fakeFiles,
  SECRET_VALUES,
  singleUpstreamConfig,
  variant,
} from './test-support/config-fixtures.js';

const base = baseConfig();
const single = singleUpstreamConfig();
const redis = (storage: Record<string, unknown>) =>
  variant(base, { storage: { type: 'redis', ...storage } as never });

interface Accepted {
  rule: string;
  config: object;
  options?: ParseConfigOptions;
  check: (config: GatewayConfig) => void;
}

interface Rejected {
  rule: string;
  config: object;
  options?: ParseConfigOptions;
  path: string;
  message: RegExp;
}

const accepted: Accepted[] = [
  // defaults
  {
    rule: 'defaults are applied',
    config: single,
    check: (c) => {
      expect(c.tokenLifetimes).toEqual({ accessToken: 3600, refreshToken: 604_800, authorizationCode: 60 });
      expect(c.scopesSupported).toEqual(['openid', 'profile', 'email', 'offline_access']);
      expect(c.storage).toEqual({ type: 'memory' });
      expect(c.registration).toEqual({
        enabled: true,
        metadataDocuments: { enabled: true, hosts: [], minTtl: 60, maxTtl: 86_400 },
        unusedClientLifetime: 30 * 86_400,
      });
      expect(c.signingKeys).toEqual([]);
      expect(c.routes[0]).toMatchObject({ headerStrategy: 'replace' });
      expect(c.upstreams[0]).toMatchObject({ optional: false });
    },
  },
  // issuer
  {
    rule: 'issuer https',
    config: variant(base, { issuer: 'https://auth.example.com' }),
    check: (c) => expect(c.issuer).toBe('https://auth.example.com'),
  },
  {
    rule: 'issuer https with a path',
    config: variant(base, { issuer: 'https://example.com/auth' }),
    check: (c) => expect(c.routes[0]!.resource).toBe('https://example.com/auth/mcp/corp'),
  },
  {
    rule: 'issuer http on localhost',
    config: variant(base, { issuer: 'http://localhost:8080' }),
    check: (c) => expect(c.issuer).toBe('http://localhost:8080'),
  },
  {
    rule: 'issuer http on [::1]',
    config: variant(base, { issuer: 'http://[::1]:8080' }),
    check: (c) => expect(c.issuer).toBe('http://[::1]:8080'),
  },
  // durations
  {
    rule: 'durations with units',
    config: variant(base, {
      token_lifetimes: { access_token: '10m', refresh_token: '7d', authorization_code: '90s' },
    }),
    check: (c) =>
      expect(c.tokenLifetimes).toEqual({ accessToken: 600, refreshToken: 604_800, authorizationCode: 90 }),
  },
  {
    rule: 'durations as plain seconds (number and string)',
    config: variant(base, {
      token_lifetimes: { access_token: 3600, refresh_token: '7200', authorization_code: 10 },
    }),
    check: (c) =>
      expect(c.tokenLifetimes).toEqual({ accessToken: 3600, refreshToken: 7200, authorizationCode: 10 }),
  },
  {
    rule: 'durations at the range limits',
    config: variant(base, {
      token_lifetimes: { access_token: '24h', refresh_token: '90d', authorization_code: '10m' },
    }),
    check: (c) =>
      expect(c.tokenLifetimes).toEqual({
        accessToken: 86_400,
        refreshToken: 7_776_000,
        authorizationCode: 600,
      }),
  },
  // names
  {
    rule: 'a lone unnamed upstream becomes "default"',
    config: single,
    check: (c) => expect(c.upstreams.map((u) => u.name)).toEqual(['default']),
  },
  {
    rule: 'a lone upstream may be named',
    config: variant(single, { 'upstreams.0.name': 'corp' }),
    check: (c) => expect(c.upstreams[0]!.name).toBe('corp'),
  },
  {
    rule: 'names with digits and inner hyphens',
    config: variant(base, { 'upstreams.0.name': 'corp-sso-2', 'routes.0.upstream': 'corp-sso-2' }),
    check: (c) => expect(c.upstreams[0]!.name).toBe('corp-sso-2'),
  },
  {
    rule: 'several explicit unique names keep their order',
    config: base,
    check: (c) => expect(c.upstreams.map((u) => u.name)).toEqual(['corp', 'github']),
  },
  // upstream types
  {
    rule: 'oauth2 upstream with endpoints; subject_field defaults to id',
    config: base,
    check: (c) => {
      const github = c.upstreams[1] as OAuth2UpstreamConfig;
      expect(github).toMatchObject({
        type: 'oauth2',
        authorizationEndpoint: 'http://127.0.0.1:9002/login/oauth/authorize',
        tokenEndpoint: 'http://127.0.0.1:9002/login/oauth/access_token',
        userinfo: {
          endpoint: 'http://127.0.0.1:9002/user',
          subjectField: 'id',
          nameField: 'login',
          emailField: 'email',
        },
        reauthenticationPrompt: 'select_account',
      });
    },
  },
  {
    rule: 'an oauth2 upstream may send prompt=login to sign the user in again',
    config: variant(base, { 'upstreams.1.reauthentication_prompt': 'login' }),
    check: (c) => expect((c.upstreams[1] as OAuth2UpstreamConfig).reauthenticationPrompt).toBe('login'),
  },
  {
    rule: 'display_name of an upstream is kept; absent, none is set (the consent page shows the name)',
    config: variant(base, { 'upstreams.0.display_name': 'Corp SSO', 'upstreams.1.display_name': 'GitHub' }),
    check: (c) => {
      expect(c.upstreams.map((u) => u.displayName)).toEqual(['Corp SSO', 'GitHub']);
      expect(parseConfig(base, { env: BASE_ENV }).upstreams[0]).not.toHaveProperty('displayName');
    },
  },
  {
    rule: 'oidc upstream with issuer',
    config: base,
    check: (c) => expect(c.upstreams[0]).toMatchObject({ type: 'oidc', issuer: 'http://127.0.0.1:9001' }),
  },
  {
    rule: 'oidc scopes default to openid',
    config: variant(base, { 'upstreams.0.scopes': undefined }),
    check: (c) => expect(c.upstreams[0]!.scopes).toEqual(['openid']),
  },
  {
    rule: 'an upstream without a secret is a public client',
    config: variant(base, { 'upstreams.0.client_secret_env': undefined }),
    check: (c) => expect(c.upstreams[0]!.clientSecret).toBeUndefined(),
  },
  // optional
  {
    rule: 'a later upstream may be optional',
    config: variant(base, { 'upstreams.1.optional': true }),
    check: (c) => expect(c.upstreams.map((u) => u.optional)).toEqual([false, true]),
  },
  {
    rule: 'maxUpstreams not exceeded',
    config: base,
    options: { maxUpstreams: 2 },
    check: (c) => expect(c.upstreams).toHaveLength(2),
  },
  // routes
  {
    rule: "a route's resource is issuer + path",
    config: base,
    check: (c) =>
      expect(c.routes.map((r) => r.resource)).toEqual([
        'http://127.0.0.1:8080/mcp/corp',
        'http://127.0.0.1:8080/mcp/github',
      ]),
  },
  {
    rule: 'route upstream omitted with one upstream means that one',
    config: single,
    check: (c) => expect(c.routes[0]!.upstream).toBe('default'),
  },
  {
    rule: 'route upstream omitted with one named upstream',
    config: variant(single, { 'upstreams.0.name': 'corp' }),
    check: (c) => expect(c.routes[0]!.upstream).toBe('corp'),
  },
  {
    rule: 'custom header strategy with a header name',
    config: base,
    check: (c) =>
      expect(c.routes[1]).toMatchObject({ headerStrategy: 'custom', customHeaderName: 'X-Upstream-Token' }),
  },
  {
    rule: 'https backend with a path',
    config: variant(base, { 'routes.0.backend': 'https://mcp.example.com/base' }),
    check: (c) => expect(c.routes[0]!.backend).toBe('https://mcp.example.com/base'),
  },
  {
    rule: 'sibling route paths that share a prefix string',
    config: variant(base, { 'routes.1.path': '/mcp/corporate' }),
    check: (c) => expect(c.routes.map((r) => r.path)).toEqual(['/mcp/corp', '/mcp/corporate']),
  },
  // clients
  {
    rule: 'a client: trusted defaults to false, secret resolved, custom scheme redirect',
    config: variant(base, {
      clients: [
        {
          client_id: 'app',
          client_secret_env: 'PORTAL_CLIENT_SECRET',
          redirect_uris: ['com.example.app:/callback', 'https://app.example.com/cb'],
          scopes: ['openid'],
        },
      ],
    }),
    check: (c) => {
      expect(c.clients[0]).toMatchObject({
        clientId: 'app',
        trusted: false,
        redirectUris: ['com.example.app:/callback', 'https://app.example.com/cb'],
        scopes: ['openid'],
      });
      expect(c.clients[0]!.clientSecret?.reveal()).toBe(SECRET_VALUES.portal);
    },
  },
  {
    rule: 'clients default to none',
    config: variant(base, { clients: undefined }),
    check: (c) => expect(c.clients).toEqual([]),
  },
  {
    rule: 'registration can be disabled',
    config: variant(base, { registration: { enabled: false } }),
    check: (c) => expect(c.registration.enabled).toBe(false),
  },
  {
    rule: 'client metadata documents: allowed hosts (lower case, IPv6 without brackets), cache bounds, off',
    config: variant(base, {
      registration: {
        metadata_documents: false,
        metadata_document_hosts: ['127.0.0.1', 'Docs.Internal.Example', '[::1]', 'fd00::7'],
        metadata_document_min_ttl: '5m',
        metadata_document_max_ttl: 7200,
      },
    }),
    check: (c) =>
      expect(c.registration.metadataDocuments).toEqual({
        enabled: false,
        hosts: ['127.0.0.1', 'docs.internal.example', '::1', 'fd00::7'],
        minTtl: 300,
        maxTtl: 7200,
      }),
  },
  // secrets
  {
    rule: 'a secret from env (trimmed)',
    config: base,
    options: { env: { ...BASE_ENV, CORP_CLIENT_SECRET: `  ${SECRET_VALUES.corp}\n` } },
    check: (c) => expect(c.upstreams[0]!.clientSecret?.reveal()).toBe(SECRET_VALUES.corp),
  },
  {
    rule: 'a secret from a file (trimmed, relative to baseDir)',
    config: variant(base, {
      'upstreams.0.client_secret_env': undefined,
      'upstreams.0.client_secret_file': 'secrets/corp',
    }),
    options: {
      baseDir: '/etc/gateway',
      readFile: fakeFiles({ '/etc/gateway/secrets/corp': `${SECRET_VALUES.corp}\n` }),
    },
    check: (c) => expect(c.upstreams[0]!.clientSecret?.reveal()).toBe(SECRET_VALUES.corp),
  },
  // storage
  {
    rule: 'redis via url_env, key_prefix default, hex encryption key',
    config: redis({ url_env: 'REDIS_URL', encryption_key_env: 'REDIS_ENCRYPTION_KEY' }),
    check: (c) => {
      const storage = c.storage as RedisStorageConfig;
      expect(storage.keyPrefix).toBe('auth:');
      expect(storage.url?.reveal()).toBe(SECRET_VALUES.redisUrl);
      expect(Buffer.from(storage.encryptionKey!.reveal(), 'base64')).toEqual(
        Buffer.from(SECRET_VALUES.encryptionKeyHex, 'hex'),
      );
    },
  },
  {
    rule: 'redis encryption key in base64',
    config: redis({ url: 'redis://127.0.0.1:6379', encryption_key_env: 'KEY' }),
    options: { env: { ...BASE_ENV, KEY: Buffer.alloc(32, 7).toString('base64') } },
    check: (c) =>
      expect((c.storage as RedisStorageConfig).encryptionKey?.reveal()).toBe(
        Buffer.alloc(32, 7).toString('base64'),
      ),
  },
  {
    rule: 'redis inline url without credentials',
    config: redis({ url: 'rediss://redis.internal:6380', key_prefix: 'gw:' }),
    check: (c) => expect(c.storage).toMatchObject({ type: 'redis', keyPrefix: 'gw:' }),
  },
  {
    rule: 'redis sentinel',
    config: redis({
      sentinel: {
        name: 'mymaster',
        sentinels: [{ host: '10.0.0.1', port: 26379 }],
        password_env: 'REDIS_PASSWORD',
      },
    }),
    options: { env: { ...BASE_ENV, REDIS_PASSWORD: 'sentinel-pw' } },
    check: (c) => {
      const storage = c.storage as RedisStorageConfig;
      expect(storage.sentinel).toMatchObject({
        name: 'mymaster',
        sentinels: [{ host: '10.0.0.1', port: 26379 }],
      });
      expect(storage.sentinel?.password?.reveal()).toBe('sentinel-pw');
      expect(storage.url).toBeUndefined();
    },
  },
  {
    rule: 'redis url from a file',
    config: redis({ url_file: '/run/secrets/redis-url' }),
    options: { readFile: fakeFiles({ '/run/secrets/redis-url': `${SECRET_VALUES.redisUrl}\n` }) },
    check: (c) => expect((c.storage as RedisStorageConfig).url?.reveal()).toBe(SECRET_VALUES.redisUrl),
  },
  {
    rule: 'redis cluster with a password file',
    config: redis({
      cluster: { nodes: [{ host: '127.0.0.1', port: 7000 }], password_file: 'redis-password' },
    }),
    options: { baseDir: '/etc/gw', readFile: fakeFiles({ '/etc/gw/redis-password': 'cluster-pw\n' }) },
    check: (c) => expect((c.storage as RedisStorageConfig).cluster?.password?.reveal()).toBe('cluster-pw'),
  },
  {
    rule: 'redis cluster',
    config: redis({
      cluster: {
        nodes: [
          { host: '127.0.0.1', port: 7000 },
          { host: '127.0.0.1', port: 7001 },
        ],
      },
    }),
    check: (c) => expect((c.storage as RedisStorageConfig).cluster?.nodes).toHaveLength(2),
  },
  // misc
  {
    rule: 'a $schema key for JSON editors',
    config: variant(base, { $schema: '../schema.json' }),
    check: (c) => expect(c).not.toHaveProperty('$schema'),
  },
  {
    rule: 'custom scopes_supported',
    config: variant(base, { scopes_supported: ['openid', 'mcp:tools'] }),
    check: (c) => expect(c.scopesSupported).toEqual(['openid', 'mcp:tools']),
  },
];

const rejected: Rejected[] = [
  // unknown keys
  {
    rule: 'unknown top-level key with a suggestion',
    config: variant(base, { isuer: 'x' }),
    path: 'isuer',
    message: /^unknown key; did you mean "issuer"\?$/,
  },
  {
    rule: 'unknown nested key with a suggestion',
    config: variant(base, { 'upstreams.0.client_secrt_env': 'X' }),
    path: 'upstreams[0].client_secrt_env',
    message: /did you mean "client_secret_env"/,
  },
  {
    rule: 'unknown route key with a suggestion',
    config: variant(base, { 'routes.0.header_stratgy': 'custom' }),
    path: 'routes[0].header_stratgy',
    message: /did you mean "header_strategy"/,
  },
  {
    rule: 'unknown key without a near miss lists the allowed keys',
    config: variant(base, { 'token_lifetimes.zzzzzzzz': 1 }),
    path: 'token_lifetimes.zzzzzzzz',
    message: /unknown key \(allowed here: access_token, refresh_token, authorization_code\)/,
  },
  {
    rule: 'a key of the other upstream type',
    config: variant(base, { 'upstreams.1.issuer': 'http://127.0.0.1:9002' }),
    path: 'upstreams[1].issuer',
    message: /not allowed for type: oauth2 \(it belongs to type: oidc\)/,
  },
  {
    rule: 'an inline secret',
    config: variant(base, { 'upstreams.0.client_secret': 'inline-value' }),
    path: 'upstreams[0].client_secret',
    message: /never written inline: use client_secret_env/,
  },
  { rule: 'the config is not a mapping', config: ['issuer'], path: '', message: /must be a mapping/ },
  {
    rule: 'a __proto__ key',
    config: JSON.parse('{"__proto__": {"issuer": "x"}}') as object,
    path: '__proto__',
    message: /^unknown key/,
  },
  {
    rule: 'a constructor key in an upstream',
    config: variant(base, { 'upstreams.0.constructor': 1 }),
    path: 'upstreams[0].constructor',
    message: /^unknown key/,
  },
  // issuer
  {
    rule: 'issuer missing',
    config: variant(base, { issuer: undefined }),
    path: 'issuer',
    message: /^is required$/,
  },
  {
    rule: 'issuer http on a public host',
    config: variant(base, { issuer: 'http://auth.example.com' }),
    path: 'issuer',
    message: /must use https/,
  },
  {
    rule: 'issuer with a trailing slash',
    config: variant(base, { issuer: 'https://auth.example.com/' }),
    path: 'issuer',
    message: /must not end with "\/"/,
  },
  {
    rule: 'issuer with a query',
    config: variant(base, { issuer: 'https://auth.example.com?tenant=a' }),
    path: 'issuer',
    message: /must not contain a query/,
  },
  {
    rule: 'issuer with a fragment',
    config: variant(base, { issuer: 'https://auth.example.com#x' }),
    path: 'issuer',
    message: /must not contain a fragment/,
  },
  {
    rule: 'issuer not a URL',
    config: variant(base, { issuer: 'auth.example.com' }),
    path: 'issuer',
    message: /must be an absolute http\(s\) URL/,
  },
  {
    rule: 'issuer with another scheme',
    config: variant(base, { issuer: 'ftp://auth.example.com' }),
    path: 'issuer',
    message: /must be an absolute http\(s\) URL/,
  },
  {
    rule: 'issuer not canonical',
    config: variant(base, { issuer: 'https://Auth.Example.com:443' }),
    path: 'issuer',
    message: /canonical form/,
  },
  {
    rule: 'issuer with credentials',
    config: variant(base, { issuer: 'https://user:pw@auth.example.com' }),
    path: 'issuer',
    message: /must not contain credentials/,
  },
  {
    rule: 'issuer not a string',
    config: variant(base, { issuer: 8080 }),
    path: 'issuer',
    message: /^must be a string$/,
  },
  // durations
  {
    rule: 'access token under 1m',
    config: variant(base, { 'token_lifetimes.access_token': '30s' }),
    path: 'token_lifetimes.access_token',
    message: /^must be between 1m and 24h$/,
  },
  {
    rule: 'access token over 24h',
    config: variant(base, { 'token_lifetimes.access_token': '25h' }),
    path: 'token_lifetimes.access_token',
    message: /^must be between 1m and 24h$/,
  },
  {
    rule: 'refresh token under 1h',
    config: variant(base, { 'token_lifetimes.refresh_token': '59m' }),
    path: 'token_lifetimes.refresh_token',
    message: /^must be between 1h and 90d$/,
  },
  {
    rule: 'refresh token over 90d',
    config: variant(base, { 'token_lifetimes.refresh_token': '91d' }),
    path: 'token_lifetimes.refresh_token',
    message: /^must be between 1h and 90d$/,
  },
  {
    rule: 'code under 10s',
    config: variant(base, { 'token_lifetimes.authorization_code': 9 }),
    path: 'token_lifetimes.authorization_code',
    message: /^must be between 10s and 10m$/,
  },
  {
    rule: 'code over 10m',
    config: variant(base, { 'token_lifetimes.authorization_code': '11m' }),
    path: 'token_lifetimes.authorization_code',
    message: /^must be between 10s and 10m$/,
  },
  {
    rule: 'compound duration',
    config: variant(base, { 'token_lifetimes.access_token': '1h30m' }),
    path: 'token_lifetimes.access_token',
    message: /must be a duration such as 90s/,
  },
  {
    rule: 'unknown unit',
    config: variant(base, { 'token_lifetimes.access_token': '2w' }),
    path: 'token_lifetimes.access_token',
    message: /must be a duration such as 90s/,
  },
  {
    rule: 'negative seconds',
    config: variant(base, { 'token_lifetimes.access_token': -60 }),
    path: 'token_lifetimes.access_token',
    message: /must be a duration such as 90s/,
  },
  {
    rule: 'fractional seconds',
    config: variant(base, { 'token_lifetimes.access_token': 90.5 }),
    path: 'token_lifetimes.access_token',
    message: /must be a duration such as 90s/,
  },
  {
    rule: 'refresh shorter than access',
    config: variant(base, { token_lifetimes: { access_token: '12h', refresh_token: '2h' } }),
    path: 'token_lifetimes.refresh_token',
    message: /must not be shorter than access_token/,
  },
  // names
  {
    rule: 'upper-case name',
    config: variant(base, { 'upstreams.0.name': 'Corp', 'routes.0.upstream': 'github' }),
    path: 'upstreams[0].name',
    message: /must be lower-case letters, digits and "-"/,
  },
  {
    rule: 'name starting with a hyphen',
    config: variant(base, { 'upstreams.0.name': '-corp' }),
    path: 'upstreams[0].name',
    message: /starting and ending with a letter or digit/,
  },
  {
    rule: 'name ending with a hyphen',
    config: variant(base, { 'upstreams.0.name': 'corp-' }),
    path: 'upstreams[0].name',
    message: /starting and ending with a letter or digit/,
  },
  {
    rule: 'name with an underscore',
    config: variant(base, { 'upstreams.0.name': 'corp_sso' }),
    path: 'upstreams[0].name',
    message: /lower-case letters/,
  },
  {
    rule: 'empty name',
    config: variant(base, { 'upstreams.0.name': '' }),
    path: 'upstreams[0].name',
    message: /lower-case letters/,
  },
  {
    rule: 'duplicate names',
    config: variant(base, { 'upstreams.1.name': 'corp' }),
    path: 'upstreams[1].name',
    message: /duplicates upstreams\[0\]\.name; upstream names must be unique/,
  },
  {
    rule: 'an unnamed upstream among several',
    config: variant(base, { 'upstreams.1.name': undefined }),
    path: 'upstreams[1].name',
    message: /^is required when several upstreams are configured$/,
  },
  {
    rule: '"default" among several',
    config: variant(base, { 'upstreams.1.name': 'default', 'routes.1.upstream': 'default' }),
    path: 'upstreams[1].name',
    message: /"default" is reserved for a lone unnamed upstream/,
  },
  // upstream type and fields
  {
    rule: 'upstream type missing',
    config: variant(base, { 'upstreams.0.type': undefined }),
    path: 'upstreams[0].type',
    message: /^is required \(one of: oidc, oauth2\)$/,
  },
  {
    rule: 'upstream type unknown',
    config: variant(base, { 'upstreams.0.type': 'saml' }),
    path: 'upstreams[0].type',
    message: /^must be one of: oidc, oauth2$/,
  },
  {
    rule: 'oidc without issuer',
    config: variant(base, { 'upstreams.0.issuer': undefined }),
    path: 'upstreams[0].issuer',
    message: /^is required$/,
  },
  {
    rule: 'oauth2 without authorization_endpoint',
    config: variant(base, { 'upstreams.1.authorization_endpoint': undefined }),
    path: 'upstreams[1].authorization_endpoint',
    message: /^is required$/,
  },
  {
    rule: 'oauth2 without token_endpoint',
    config: variant(base, { 'upstreams.1.token_endpoint': undefined }),
    path: 'upstreams[1].token_endpoint',
    message: /^is required$/,
  },
  {
    rule: 'oauth2 without userinfo',
    config: variant(base, { 'upstreams.1.userinfo': undefined }),
    path: 'upstreams[1].userinfo',
    message: /^is required$/,
  },
  {
    rule: 'oauth2 userinfo without endpoint',
    config: variant(base, { 'upstreams.1.userinfo.endpoint': undefined }),
    path: 'upstreams[1].userinfo.endpoint',
    message: /^is required$/,
  },
  {
    rule: 'upstream without client_id',
    config: variant(base, { 'upstreams.0.client_id': undefined }),
    path: 'upstreams[0].client_id',
    message: /^is required$/,
  },
  {
    rule: 'upstream issuer http on a public host',
    config: variant(base, { 'upstreams.0.issuer': 'http://login.example.com' }),
    path: 'upstreams[0].issuer',
    message: /must use https/,
  },
  {
    rule: 'upstream endpoint not a URL',
    config: variant(base, { 'upstreams.1.token_endpoint': '/login/oauth/access_token' }),
    path: 'upstreams[1].token_endpoint',
    message: /must be an absolute http\(s\) URL/,
  },
  {
    rule: 'oidc scopes without openid',
    config: variant(base, { 'upstreams.0.scopes': ['profile'] }),
    path: 'upstreams[0].scopes',
    message: /must include "openid"/,
  },
  {
    rule: 'duplicate upstream scopes',
    config: variant(base, { 'upstreams.0.scopes': ['openid', 'openid'] }),
    path: 'upstreams[0].scopes[1]',
    message: /duplicates scopes\[0\]/,
  },
  {
    rule: 'scope with a space',
    config: variant(base, { 'upstreams.1.scopes': ['read user'] }),
    path: 'upstreams[1].scopes[0]',
    message: /must be a scope token/,
  },
  // optional
  {
    rule: 'first upstream optional',
    config: variant(base, { 'upstreams.0.optional': true }),
    path: 'upstreams[0].optional',
    message: /^the first upstream cannot be optional$/,
  },
  {
    rule: 'optional not a boolean',
    config: variant(base, { 'upstreams.1.optional': 'yes' }),
    path: 'upstreams[1].optional',
    message: /^must be true or false$/,
  },
  {
    rule: 'display_name empty',
    config: variant(base, { 'upstreams.0.display_name': ' ' }),
    path: 'upstreams[0].display_name',
    message: /^must be 1 to 100 characters/,
  },
  {
    rule: 'display_name longer than 100 characters',
    config: variant(base, { 'upstreams.1.display_name': 'x'.repeat(101) }),
    path: 'upstreams[1].display_name',
    message: /^must be 1 to 100 characters/,
  },
  {
    rule: 'display_name with a right-to-left override (it could reorder the consent page)',
    config: variant(base, { 'upstreams.1.display_name': 'GitHub\u202e' }),
    path: 'upstreams[1].display_name',
    message: /bidirectional formatting/,
  },
  {
    rule: 'display_name not a string',
    config: variant(base, { 'upstreams.0.display_name': 7 }),
    path: 'upstreams[0].display_name',
    message: /string/,
  },
  {
    rule: 'reauthentication_prompt not select_account or login',
    config: variant(base, { 'upstreams.1.reauthentication_prompt': 'consent' }),
    path: 'upstreams[1].reauthentication_prompt',
    message: /^must be one of: select_account, login/,
  },
  {
    rule: 'reauthentication_prompt on an oidc upstream (always prompt=login there)',
    config: variant(base, { 'upstreams.0.reauthentication_prompt': 'login' }),
    path: 'upstreams[0].reauthentication_prompt',
    message: /oauth2/,
  },
  // number of upstreams
  {
    rule: 'maxUpstreams exceeded',
    config: base,
    options: { maxUpstreams: 1 },
    path: 'upstreams',
    message: /^this gateway supports at most 1 upstream; 2 are configured$/,
  },
  {
    rule: 'no upstreams',
    config: variant(base, { upstreams: [], routes: [] }),
    path: 'upstreams',
    message: /must list at least one upstream/,
  },
  {
    rule: 'upstreams missing',
    config: variant(base, { upstreams: undefined, routes: [] }),
    path: 'upstreams',
    message: /^is required$/,
  },
  {
    rule: 'upstreams not a list',
    config: variant(base, { upstreams: { name: 'corp' }, routes: [] }),
    path: 'upstreams',
    message: /^must be a list$/,
  },
  // routes
  {
    rule: 'route upstream omitted with several upstreams',
    config: variant(base, { 'routes.0.upstream': undefined }),
    path: 'routes[0].upstream',
    message: /is required when several upstreams are configured \(one of: corp, github\)/,
  },
  {
    rule: 'route upstream not configured',
    config: variant(base, { 'routes.0.upstream': 'crop' }),
    path: 'routes[0].upstream',
    message: /names no configured upstream; did you mean "corp"\? \(configured: corp, github\)/,
  },
  {
    rule: 'route upstream "default" with named upstreams',
    config: variant(base, { 'routes.0.upstream': 'default' }),
    path: 'routes[0].upstream',
    message: /names no configured upstream/,
  },
  {
    rule: 'route path without a leading slash',
    config: variant(base, { 'routes.0.path': 'mcp/corp' }),
    path: 'routes[0].path',
    message: /must start with "\/"/,
  },
  {
    rule: 'route path "/"',
    config: variant(base, { 'routes.0.path': '/' }),
    path: 'routes[0].path',
    message: /must not be "\/"/,
  },
  {
    rule: 'route path under /oauth',
    config: variant(base, { 'routes.0.path': '/oauth/corp' }),
    path: 'routes[0].path',
    message: /must not be under \/oauth \(reserved\)/,
  },
  {
    rule: 'route path /oauth itself',
    config: variant(base, { 'routes.0.path': '/OAuth' }),
    path: 'routes[0].path',
    message: /must not be under \/oauth/,
  },
  {
    rule: 'route path under /.well-known',
    config: variant(base, { 'routes.0.path': '/.well-known/mcp' }),
    path: 'routes[0].path',
    message: /must not be under \/\.well-known/,
  },
  {
    rule: 'route path /healthz',
    config: variant(base, { 'routes.0.path': '/healthz' }),
    path: 'routes[0].path',
    message: /must not be under \/healthz/,
  },
  {
    rule: 'route path /readyz',
    config: variant(base, { 'routes.0.path': '/readyz/x' }),
    path: 'routes[0].path',
    message: /must not be under \/readyz/,
  },
  {
    rule: 'route path with a trailing slash',
    config: variant(base, { 'routes.0.path': '/mcp/corp/' }),
    path: 'routes[0].path',
    message: /without a trailing "\/"/,
  },
  {
    rule: 'route path with a dot segment',
    config: variant(base, { 'routes.0.path': '/mcp/../oauth' }),
    path: 'routes[0].path',
    message: /must not contain "\." or "\.\." segments/,
  },
  {
    rule: 'route path with a query',
    config: variant(base, { 'routes.0.path': '/mcp?x=1' }),
    path: 'routes[0].path',
    message: /URL path characters/,
  },
  {
    rule: 'route path with percent-encoding',
    config: variant(base, { 'routes.0.path': '/mcp/%2e%2e/oauth' }),
    path: 'routes[0].path',
    message: /URL path characters/,
  },
  {
    rule: 'duplicate route paths',
    config: variant(base, { 'routes.1.path': '/mcp/corp' }),
    path: 'routes[1].path',
    message: /duplicates routes\[0\]\.path; route paths must be unique/,
  },
  {
    rule: 'duplicate route paths differing in case',
    config: variant(base, { 'routes.1.path': '/MCP/corp' }),
    path: 'routes[1].path',
    message: /duplicates routes\[0\]\.path/,
  },
  {
    rule: 'a route inside another',
    config: variant(base, { 'routes.0.path': '/mcp', 'routes.1.path': '/mcp/github' }),
    path: 'routes[1].path',
    message: /lies under routes\[0\]\.path; routes must not overlap/,
  },
  {
    rule: 'custom strategy without header name',
    config: variant(base, { 'routes.1.custom_header_name': undefined }),
    path: 'routes[1].custom_header_name',
    message: /^is required when header_strategy is custom$/,
  },
  {
    rule: 'header name with replace strategy',
    config: variant(base, { 'routes.1.header_strategy': 'replace' }),
    path: 'routes[1].custom_header_name',
    message: /only allowed with header_strategy: custom/,
  },
  {
    rule: 'header name Authorization',
    config: variant(base, { 'routes.1.custom_header_name': 'authorization' }),
    path: 'routes[1].custom_header_name',
    message: /must not be authorization; use header_strategy: replace/,
  },
  {
    rule: 'header name not a token',
    config: variant(base, { 'routes.1.custom_header_name': 'X Upstream' }),
    path: 'routes[1].custom_header_name',
    message: /valid HTTP header name/,
  },
  {
    rule: 'upstream type misspelt',
    config: variant(base, { 'upstreams.0.type': 'odic' }),
    path: 'upstreams[0].type',
    message: /^must be one of: oidc, oauth2; did you mean "oidc"\?$/,
  },
  {
    rule: 'header strategy misspelt',
    config: variant(base, { 'routes.1.header_strategy': 'custon' }),
    path: 'routes[1].header_strategy',
    message: /^must be one of: replace, custom; did you mean "custom"\?$/,
  },
  {
    rule: 'redis url_file holding no redis URL',
    config: redis({ url_file: '/run/secrets/redis-url' }),
    options: { readFile: fakeFiles({ '/run/secrets/redis-url': 'not a url\n' }) },
    path: 'storage.url_file',
    message: /^must hold a redis:\/\/ or rediss:\/\/ URL$/,
  },
  {
    rule: 'unknown header strategy',
    config: variant(base, { 'routes.1.header_strategy': 'cookie' }),
    path: 'routes[1].header_strategy',
    message: /^must be one of: replace, custom$/,
  },
  {
    rule: 'backend not http(s)',
    config: variant(base, { 'routes.0.backend': 'ftp://127.0.0.1' }),
    path: 'routes[0].backend',
    message: /must be an absolute http\(s\) URL/,
  },
  {
    rule: 'backend relative',
    config: variant(base, { 'routes.0.backend': '127.0.0.1:9101' }),
    path: 'routes[0].backend',
    message: /must be an absolute http\(s\) URL/,
  },
  {
    rule: 'backend with credentials',
    config: variant(base, { 'routes.0.backend': 'http://u:p@127.0.0.1:9101' }),
    path: 'routes[0].backend',
    message: /must not contain credentials/,
  },
  // clients
  {
    rule: 'relative redirect URI',
    config: variant(base, { 'clients.0.redirect_uris': ['/callback'] }),
    path: 'clients[0].redirect_uris[0]',
    message: /must be an absolute URL/,
  },
  {
    rule: 'redirect URI with a fragment',
    config: variant(base, { 'clients.0.redirect_uris': ['http://127.0.0.1:8090/cb#x'] }),
    path: 'clients[0].redirect_uris[0]',
    message: /must not contain a fragment/,
  },
  {
    rule: 'javascript: redirect URI',
    config: variant(base, { 'clients.0.redirect_uris': ['javascript:alert(1)'] }),
    path: 'clients[0].redirect_uris[0]',
    message: /must not use the javascript: scheme/,
  },
  {
    rule: 'no redirect URIs',
    config: variant(base, { 'clients.0.redirect_uris': [] }),
    path: 'clients[0].redirect_uris',
    message: /must list at least one redirect URI/,
  },
  {
    rule: 'duplicate redirect URIs',
    config: variant(base, { 'clients.0.redirect_uris': ['https://a.example/cb', 'https://a.example/cb'] }),
    path: 'clients[0].redirect_uris[1]',
    message: /duplicates redirect_uris\[0\]/,
  },
  {
    rule: 'duplicate client ids',
    config: variant(base, {
      clients: [
        { client_id: 'a', redirect_uris: ['https://a.example/cb'] },
        { client_id: 'a', redirect_uris: ['https://b.example/cb'] },
      ],
    }),
    path: 'clients[1].client_id',
    message: /duplicates clients\[0\]\.client_id/,
  },
  {
    rule: 'client scope not supported',
    config: variant(base, { 'clients.0.scopes': ['openid', 'admin'] }),
    path: 'clients[0].scopes[1]',
    message: /is not listed in scopes_supported/,
  },
  {
    rule: 'trusted not a boolean',
    config: variant(base, { 'clients.0.trusted': 'true' }),
    path: 'clients[0].trusted',
    message: /^must be true or false$/,
  },
  // secrets
  {
    rule: 'secret env variable not set',
    config: base,
    options: { env: { ...BASE_ENV, CORP_CLIENT_SECRET: undefined } },
    path: 'upstreams[0].client_secret_env',
    message: /^the environment variable named here is not set$/,
  },
  {
    rule: 'secret env variable empty',
    config: base,
    options: { env: { ...BASE_ENV, GITHUB_CLIENT_SECRET: '  ' } },
    path: 'upstreams[1].client_secret_env',
    message: /is empty/,
  },
  {
    rule: 'secret env name not a variable name',
    config: variant(base, { 'upstreams.0.client_secret_env': 'my secret' }),
    path: 'upstreams[0].client_secret_env',
    message: /must be the name of an environment variable/,
  },
  {
    rule: 'secret file missing',
    config: variant(base, {
      'upstreams.0.client_secret_env': undefined,
      'upstreams.0.client_secret_file': 'secrets/corp',
    }),
    options: { env: BASE_ENV, baseDir: '/etc/gateway', readFile: fakeFiles({}) },
    path: 'upstreams[0].client_secret_file',
    message: /^file cannot be read \(ENOENT\); relative paths are resolved against \/etc\/gateway$/,
  },
  {
    rule: 'secret file empty',
    config: variant(base, {
      'upstreams.0.client_secret_env': undefined,
      'upstreams.0.client_secret_file': '/run/secrets/corp',
    }),
    options: { env: BASE_ENV, readFile: fakeFiles({ '/run/secrets/corp': '\n' }) },
    path: 'upstreams[0].client_secret_file',
    message: /the file named here is empty/,
  },
  {
    rule: 'secret from both env and file',
    config: variant(base, { 'upstreams.0.client_secret_file': '/run/secrets/corp' }),
    options: { env: BASE_ENV, readFile: fakeFiles({ '/run/secrets/corp': 'x' }) },
    path: 'upstreams[0].client_secret_file',
    message: /give either client_secret_env or client_secret_file, not both/,
  },
  // storage
  {
    rule: 'unknown storage type',
    config: variant(base, { storage: { type: 'mongo' } }),
    path: 'storage.type',
    message: /must be one of: memory, redis/,
  },
  {
    rule: 'memory storage with a redis key',
    config: variant(base, { storage: { type: 'memory', url: 'redis://x' } }),
    path: 'storage.url',
    message: /unknown key/,
  },
  {
    rule: 'redis without any mode',
    config: redis({}),
    path: 'storage',
    message: /redis storage needs one of url, url_env, url_file, sentinel or cluster/,
  },
  {
    rule: 'redis with url and sentinel',
    config: redis({
      url: 'redis://127.0.0.1:6379',
      sentinel: { name: 'm', sentinels: [{ host: 'h', port: 1 }] },
    }),
    path: 'storage.sentinel',
    message: /give only one Redis mode: url or sentinel/,
  },
  {
    rule: 'redis with sentinel and cluster',
    config: redis({
      sentinel: { name: 'm', sentinels: [{ host: 'h', port: 1 }] },
      cluster: { nodes: [{ host: 'h', port: 2 }] },
    }),
    path: 'storage.cluster',
    message: /give only one Redis mode: sentinel or cluster/,
  },
  {
    rule: 'redis with url and url_env',
    config: redis({ url: 'redis://127.0.0.1:6379', url_env: 'REDIS_URL' }),
    path: 'storage.url_env',
    message: /give only one of url, url_env, url_file/,
  },
  {
    rule: 'redis inline url with a password',
    config: redis({ url: 'redis://:hunter2@127.0.0.1:6379' }),
    path: 'storage.url',
    message: /must not contain credentials; put a URL with a password in url_env/,
  },
  {
    rule: 'redis url with another scheme',
    config: redis({ url: 'http://127.0.0.1:6379' }),
    path: 'storage.url',
    message: /must be a redis:\/\/ or rediss:\/\/ URL/,
  },
  {
    rule: 'redis url_env holding no redis URL',
    config: redis({ url_env: 'REDIS_URL' }),
    options: { env: { ...BASE_ENV, REDIS_URL: 'postgres://x' } },
    path: 'storage.url_env',
    message: /must hold a redis:\/\/ or rediss:\/\/ URL/,
  },
  {
    rule: 'redis url_env not set',
    config: redis({ url_env: 'REDIS_URL' }),
    options: { env: {} },
    path: 'storage.url_env',
    message: /not set/,
  },
  {
    rule: 'encryption key of 16 bytes',
    config: redis({ url: 'redis://127.0.0.1:6379', encryption_key_env: 'KEY' }),
    options: { env: { KEY: Buffer.alloc(16).toString('base64') } },
    path: 'storage.encryption_key_env',
    message: /must hold a 32-byte key: 64 hex digits or 44 base64 characters/,
  },
  {
    rule: 'encryption key not base64 or hex',
    config: redis({ url: 'redis://127.0.0.1:6379', encryption_key_env: 'KEY' }),
    options: { env: { KEY: 'correct horse battery staple correct horse!!' } },
    path: 'storage.encryption_key_env',
    message: /32-byte key/,
  },
  {
    rule: 'encryption key file too short',
    config: redis({ url: 'redis://127.0.0.1:6379', encryption_key_file: '/k' }),
    options: { readFile: fakeFiles({ '/k': 'abcd' }) },
    path: 'storage.encryption_key_file',
    message: /32-byte key/,
  },
  {
    rule: 'key prefix with braces',
    config: redis({ url: 'redis://127.0.0.1:6379', key_prefix: '{auth}:' }),
    path: 'storage.key_prefix',
    message: /must not contain braces/,
  },
  {
    rule: 'sentinel without sentinels',
    config: redis({ sentinel: { name: 'm', sentinels: [] } }),
    path: 'storage.sentinel.sentinels',
    message: /must list at least one sentinel/,
  },
  {
    rule: 'sentinel without name',
    config: redis({ sentinel: { sentinels: [{ host: 'h', port: 26379 }] } }),
    path: 'storage.sentinel.name',
    message: /^is required$/,
  },
  {
    rule: 'cluster node port out of range',
    config: redis({ cluster: { nodes: [{ host: 'h', port: 70000 }] } }),
    path: 'storage.cluster.nodes[0].port',
    message: /must be a port number \(1-65535\)/,
  },
  {
    rule: 'cluster password env not set',
    config: redis({ cluster: { nodes: [{ host: 'h', port: 7000 }], password_env: 'NOPE' } }),
    options: { env: {} },
    path: 'storage.cluster.password_env',
    message: /not set/,
  },
  // misc sections
  {
    rule: 'registration.enabled not a boolean',
    config: variant(base, { 'registration.enabled': 'yes' }),
    path: 'registration.enabled',
    message: /^must be true or false$/,
  },
  ...['https://docs.example', 'docs.example:8443', 'docs.example/x', 'a b', 'user@host'].map((host) => ({
    rule: `metadata_document_hosts entry ${host}`,
    config: variant(base, { registration: { metadata_document_hosts: ['ok.example', host] } }),
    path: 'registration.metadata_document_hosts[1]',
    message: /^must be a host name or an IP address \(no scheme, port or path\)$/,
  })),
  {
    rule: 'metadata_documents not a boolean',
    config: variant(base, { registration: { metadata_documents: 'yes' } }),
    path: 'registration.metadata_documents',
    message: /^must be true or false$/,
  },
  {
    rule: 'metadata document min TTL above the max',
    config: variant(base, {
      registration: { metadata_document_min_ttl: '2h', metadata_document_max_ttl: '1h' },
    }),
    path: 'registration.metadata_document_min_ttl',
    message: /^must not exceed metadata_document_max_ttl$/,
  },
  {
    rule: 'metadata document max TTL out of range',
    config: variant(base, { registration: { metadata_document_max_ttl: '90d' } }),
    path: 'registration.metadata_document_max_ttl',
    message: /^must be between 1m and 30d$/,
  },
  {
    rule: 'registration not a mapping',
    config: variant(base, { registration: true }),
    path: 'registration',
    message: /^must be a mapping$/,
  },
  {
    rule: 'duplicate supported scopes',
    config: variant(base, { scopes_supported: ['openid', 'email', 'openid'] }),
    path: 'scopes_supported[2]',
    message: /duplicates scopes_supported\[0\]/,
  },
  {
    rule: 'empty scopes_supported',
    config: variant(base, { scopes_supported: [] }),
    path: 'scopes_supported',
    message: /must list at least one scope/,
  },
];

describe('parseConfig: accepted configurations', () => {
  it.each(accepted)('$rule', ({ config, options, check }) => {
    check(parseConfig(config, { env: BASE_ENV, ...options }));
  });
});

describe('parseConfig: rejected configurations', () => {
  it.each(rejected)('$rule → $path', ({ config, options, path, message }) => {
    const error = configErrorOf(() => parseConfig(config, { env: BASE_ENV, ...options }));
    expectIssue(error, path, message);
  });
});

describe('parseConfig: reporting', () => {
  it('reports every problem at once, in one ConfigError', () => {
    const config = variant(base, {
      issuer: 'http://auth.example.com',
      'token_lifetimes.access_token': '2d',
      'upstreams.0.optional': true,
      'upstreams.1.name': 'Bad_Name',
      'routes.0.path': '/oauth',
      'routes.1.upstream': 'gitlab',
      'clients.0.redirect_uris': ['relative'],
    });
    const error = configErrorOf(() => parseConfig(config, { env: {} }));
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(
      [
        'clients[0].redirect_uris[0]',
        'issuer',
        'routes[0].path',
        'routes[1].upstream',
        'token_lifetimes.access_token',
        'upstreams[0].client_secret_env',
        'upstreams[0].optional',
        'upstreams[1].client_secret_env',
        'upstreams[1].name',
      ].sort(),
    );
    expect(error.message).toMatch(/^configuration is invalid \(9 problems\):\n/);
    for (const issue of error.issues) expect(error.message).toContain(`${issue.path}: ${issue.message}`);
  });

  it('checks the other entries of a list when one entry is malformed', () => {
    const config = variant(base, {
      'upstreams.0.type': 'saml',
      'upstreams.1.optional': 'no',
      'routes.0.backend': 'x',
    });
    const error = configErrorOf(() => parseConfig(config, { env: BASE_ENV }));
    expect(error.issues.map((issue) => issue.path)).toEqual([
      'upstreams[0].type',
      'upstreams[1].optional',
      'routes[0].backend',
    ]);
  });

  it('does not report a route for an upstream that exists but has other problems', () => {
    const config = variant(base, { 'upstreams.1.token_endpoint': 'nope' });
    const error = configErrorOf(() => parseConfig(config, { env: BASE_ENV }));
    expect(error.issues.map((issue) => issue.path)).toEqual(['upstreams[1].token_endpoint']);
  });

  it('locates each problem of a YAML text by line and column', () => {
    const yaml = [
      'issuer: http://127.0.0.1:8080',
      'upstreams:',
      '  - type: oidc',
      '    issuer: http://127.0.0.1:9001',
      '    client_id: gateway',
      '    client_secrt_env: CORP',
      'routes:',
      '  - { path: /oauth/x, backend: http://127.0.0.1:9101 }',
    ].join('\n');
    const error = configErrorOf(() => parseConfig(yaml));
    expect(error.issues).toEqual([
      {
        path: 'upstreams[0].client_secrt_env',
        message: 'unknown key; did you mean "client_secret_env"?',
        line: 6,
        column: 5,
      },
      { path: 'routes[0].path', message: 'must not be under /oauth (reserved)', line: 8, column: 7 },
    ]);
    expect(error.message).toContain('upstreams[0].client_secrt_env (line 6, column 5): unknown key');
  });

  it('locates a missing key at its parent mapping', () => {
    const yaml =
      'upstreams:\n  - type: oauth2\n    client_id: x\n    authorization_endpoint: https://a.example/authorize\n    userinfo: { endpoint: https://a.example/user }\n';
    const error = configErrorOf(() => parseConfig(yaml));
    expect(error.issues).toContainEqual({ path: 'issuer', message: 'is required', line: 1, column: 1 });
    expect(error.issues).toContainEqual({
      path: 'upstreams[0].token_endpoint',
      message: 'is required',
      line: 2,
      column: 5,
    });
  });

  it('parses JSON text as well as YAML', () => {
    const config = parseConfig(JSON.stringify(single), { env: BASE_ENV });
    expect(config.upstreams[0]!.name).toBe('default');
    const error = configErrorOf(() =>
      parseConfig('{\n  "issuer": "http://x.example",\n  "upstreams": []\n}'),
    );
    expect(error.issues).toContainEqual({
      path: 'issuer',
      message: expect.stringMatching(/must use https/),
      line: 2,
      column: 3,
    });
  });
});
