import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'vitest';
import { ConfigError, type ConfigIssue } from '../config-error.js';

/** Secret values the fixtures hand out through env and files; none may ever be printed. */
export const SECRET_VALUES = {
  corp: 'corp-client-secret-8f2c1a',
  github: 'github-client-secret-77d0e9',
  portal: 'portal-client-secret-3b91f4',
  redisUrl: 'redis://gateway:redis-password-5a1c@127.0.0.1:6390/0',
  encryptionKeyHex: 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90',
} as const;

export const BASE_ENV: Record<string, string> = {
  CORP_CLIENT_SECRET: SECRET_VALUES.corp,
  GITHUB_CLIENT_SECRET: SECRET_VALUES.github,
  PORTAL_CLIENT_SECRET: SECRET_VALUES.portal,
  REDIS_URL: SECRET_VALUES.redisUrl,
  REDIS_ENCRYPTION_KEY: SECRET_VALUES.encryptionKeyHex,
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A valid two-upstream configuration, as a fresh object. */
export function baseConfig(): Record<string, Json> {
  return {
    issuer: 'http://127.0.0.1:8080',
    clients: [{ client_id: 'demo', redirect_uris: ['http://127.0.0.1:8090/callback'], trusted: true }],
    upstreams: [
      {
        name: 'corp',
        type: 'oidc',
        issuer: 'http://127.0.0.1:9001',
        client_id: 'gateway',
        client_secret_env: 'CORP_CLIENT_SECRET',
        scopes: ['openid', 'profile', 'email', 'offline_access'],
      },
      {
        name: 'github',
        type: 'oauth2',
        authorization_endpoint: 'http://127.0.0.1:9002/login/oauth/authorize',
        token_endpoint: 'http://127.0.0.1:9002/login/oauth/access_token',
        userinfo: { endpoint: 'http://127.0.0.1:9002/user', name_field: 'login', email_field: 'email' },
        client_id: 'gateway',
        client_secret_env: 'GITHUB_CLIENT_SECRET',
        scopes: ['repo'],
      },
    ],
    routes: [
      { path: '/mcp/corp', backend: 'http://127.0.0.1:9101', upstream: 'corp' },
      {
        path: '/mcp/github',
        backend: 'http://127.0.0.1:9102',
        upstream: 'github',
        header_strategy: 'custom',
        custom_header_name: 'X-Upstream-Token',
      },
    ],
  };
}

/** A single-upstream configuration with the upstream left unnamed. */
export function singleUpstreamConfig(): Record<string, Json> {
  const config = baseConfig();
  const upstreams = config['upstreams'] as Array<Record<string, Json>>;
  delete upstreams[0]!['name'];
  config['upstreams'] = [upstreams[0]!];
  config['routes'] = [{ path: '/mcp', backend: 'http://127.0.0.1:9101' }];
  return config;
}

/**
 * A copy of `config` with changes at dotted paths (`upstreams.1.name`);
 * `undefined` deletes the key. Missing containers are created.
 */
export function variant(config: Record<string, Json>, changes: Record<string, Json | undefined>) {
  const copy = structuredClone(config);
  for (const [dotted, value] of Object.entries(changes)) {
    const keys = dotted.split('.');
    let node = copy as Record<string, Json>;
    for (const key of keys.slice(0, -1)) {
      node[key] ??= {};
      node = node[key] as Record<string, Json>;
    }
    const last = keys[keys.length - 1]!;
    if (value === undefined) delete node[last];
    else node[last] = value;
  }
  return copy;
}

/** Runs `fn`, expecting a ConfigError, and returns it. */
export function configErrorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, but the config was accepted');
}

/** Asserts that `error` has an issue at `path` whose message matches `message`. */
export function expectIssue(error: ConfigError, path: string, message: RegExp): ConfigIssue {
  const issue = error.issues.find((candidate) => candidate.path === path && message.test(candidate.message));
  if (issue === undefined) {
    throw new Error(`no issue at ${path} matching ${message}; got:\n${error.message}`);
  }
  expect(error.code).toBe('ERR_CONFIG_INVALID');
  expect(error.message).toContain(`${path === '' ? '(config)' : path}`);
  expect(error.message).toContain(issue.message);
  return issue;
}

/** Freshly generated PKCS8 PEM private keys of every kind the tests need. */
export function generatePems() {
  const spki = { format: 'pem', type: 'spki' } as const;
  const pkcs8 = { format: 'pem', type: 'pkcs8' } as const;
  const ec = (namedCurve: string) =>
    generateKeyPairSync('ec', { namedCurve, publicKeyEncoding: spki, privateKeyEncoding: pkcs8 }).privateKey;
  const rsa = (modulusLength: number) =>
    generateKeyPairSync('rsa', { modulusLength, publicKeyEncoding: spki, privateKeyEncoding: pkcs8 })
      .privateKey;
  return {
    p256: ec('P-256'),
    p384: ec('P-384'),
    ed25519: generateKeyPairSync('ed25519', { publicKeyEncoding: spki, privateKeyEncoding: pkcs8 })
      .privateKey,
    rsa2048: rsa(2048),
    rsa1024: rsa(1024),
    p256Sec1: generateKeyPairSync('ec', {
      namedCurve: 'P-256',
      publicKeyEncoding: spki,
      privateKeyEncoding: { format: 'pem', type: 'sec1' },
    }).privateKey,
  };
}

/** A `readFile` over an in-memory map of absolute paths; unknown paths fail with ENOENT like `fs`. */
export function fakeFiles(files: Record<string, string>): (path: string) => string {
  return (path) => {
    const content = files[path];
    if (content === undefined) {
      throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
    }
    return content;
  };
}
