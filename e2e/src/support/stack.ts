import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EchoBackend, freePort, startEchoBackend } from '@auth/test-kit';
import { CLI, type RunningProcess, spawnCli } from './process.js';

/** A temporary folder for configs and keys, removed by `remove()`. */
export function tempDir(prefix = 'auth-e2e-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Writes a fresh P-256 (ES256) or RSA 2048 (RS256) PKCS8 PEM and returns its path. */
export function writeSigningKey(dir: string, name = 'signing.pem', type: 'ec' | 'rsa' = 'ec'): string {
  const { privateKey } =
    type === 'ec'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const file = join(dir, name);
  writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return file;
}

export type Yaml = string | number | boolean | Yaml[] | { [key: string]: Yaml | undefined };

/** A small YAML emitter: block mappings and sequences, every scalar JSON-quoted (valid YAML). */
export function toYaml(value: Yaml, indent = ''): string {
  if (Array.isArray(value)) {
    return value
      .map((item) => {
        const text = toYaml(item, `${indent}  `);
        return typeof item === 'object' ? `${indent}- ${text.trimStart()}` : `${indent}- ${text}`;
      })
      .join('\n');
  }
  if (typeof value === 'object') {
    return Object.entries(value)
      .filter((entry): entry is [string, Yaml] => entry[1] !== undefined)
      .map(([key, item]) =>
        typeof item === 'object'
          ? `${indent}${key}:\n${toYaml(item, `${indent}  `)}`
          : `${indent}${key}: ${toYaml(item)}`,
      )
      .join('\n');
  }
  return JSON.stringify(value);
}

/** The client secrets the gateway holds at each mock IdP (passed through the environment). */
export const UPSTREAM_SECRETS = {
  CORP_CLIENT_SECRET: `corp-secret-${randomBytes(12).toString('hex')}`,
  GITHUB_CLIENT_SECRET: `github-secret-${randomBytes(12).toString('hex')}`,
};

/** Options of {@link startStack}. */
export interface StackOptions {
  /** Gateway processes sharing one config; the first one's URL is the issuer. Default 1. */
  gateways?: number;
  /** Redis storage at this URL (with a random key prefix); memory storage when absent. */
  redisUrl?: string;
  /**
   * Sign with key files shared by every gateway process (ES256, and RS256 for ID tokens). Needed with
   * more than one gateway.
   */
  signingKey?: boolean;
  corpAccessTokenTtl?: number;
  githubAccessTokenTtl?: number;
  /** Pre-registered clients, in config shape (`client_id`, `redirect_uris`, `trusted`, …). */
  clients?: Array<Record<string, Yaml>>;
  /** Route `/mcp/corp` to this backend instead of the corp echo backend (e.g. a real MCP server). */
  corpBackendUrl?: string;
  /** More routes, after `/mcp/corp` and `/mcp/github` (config shape: `path`, `backend`, `upstream`, …). */
  extraRoutes?: Array<Record<string, Yaml>>;
  /** The gateways' `--log-level` (default `info`); `debug` makes the leak checks stricter. */
  logLevel?: 'debug' | 'info';
  /** The `registration` section (config shape); default `{ enabled: true }`. */
  registration?: Record<string, Yaml>;
  /** More environment for the gateway processes (e.g. `NODE_EXTRA_CA_CERTS`). */
  gatewayEnv?: Record<string, string>;
  /** Both mock IdPs log in as this user without their form (`--auto-login`), as the demo runs them. */
  autoLogin?: string;
  /** Changes the config before it is written (keys of other sections, upstream settings). */
  editConfig?: (config: Record<string, Yaml | undefined>) => void;
}

/** The running processes of one test file: two mock IdPs, two echo backends, the gateways. */
export interface Stack {
  issuer: string;
  /** Every gateway's base URL (the first is the issuer). */
  gatewayUrls: string[];
  gateways: RunningProcess[];
  corp: RunningProcess & { url: string };
  github: RunningProcess & { url: string };
  corpBackend: EchoBackend;
  githubBackend: EchoBackend;
  configPath: string;
  dir: string;
  /** Everything every gateway process printed (stdout and stderr). */
  gatewayOutput(): string;
  stop(): Promise<void>;
}

const MOCK_READY = /mock-idp listening on (\S+)/;
export const GATEWAY_READY = /auth-server listening on (http:\/\/[^\s,"]+)/;

async function startMockIdpCli(
  name: string,
  mode: 'oidc' | 'oauth2',
  secret: string,
  redirectUri: string,
  ttl: number | undefined,
  autoLogin: string | undefined,
): Promise<RunningProcess & { url: string }> {
  const running = await spawnCli({
    name,
    script: CLI.mockIdp,
    args: [
      '--issuer',
      'http://127.0.0.1:0',
      '--mode',
      mode,
      '--client-id',
      'gateway',
      '--client-secret',
      secret,
      '--redirect-uri',
      redirectUri,
      ...(ttl === undefined ? [] : ['--access-token-ttl', String(ttl)]),
      ...(autoLogin === undefined ? [] : ['--auto-login', autoLogin]),
    ],
    readyPattern: MOCK_READY,
  });
  return Object.assign(running, { url: running.ready });
}

/**
 * Starts the whole two-upstream setup from the CLIs, on free loopback ports. The gateway
 * ports are chosen before the gateways listen (the issuer holds the port); if another
 * process takes one meanwhile, the whole setup starts again on new ports.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startStackOnce(options);
    } catch (error) {
      if (attempt >= 3 || !String((error as Error).message).includes('EADDRINUSE')) throw error;
    }
  }
}

async function startStackOnce(options: StackOptions): Promise<Stack> {
  const dir = tempDir();
  const started: Array<{ stop(): Promise<unknown> } | EchoBackend> = [];
  try {
    const ports = await Promise.all(Array.from({ length: options.gateways ?? 1 }, () => freePort()));
    const issuer = `http://127.0.0.1:${ports[0]}`;
    const [corp, github, corpBackend, githubBackend] = await Promise.all([
      startMockIdpCli(
        'corp-idp',
        'oidc',
        UPSTREAM_SECRETS.CORP_CLIENT_SECRET,
        `${issuer}/oauth/callback/corp`,
        options.corpAccessTokenTtl,
        options.autoLogin,
      ),
      startMockIdpCli(
        'github-idp',
        'oauth2',
        UPSTREAM_SECRETS.GITHUB_CLIENT_SECRET,
        `${issuer}/oauth/callback/github`,
        options.githubAccessTokenTtl,
        options.autoLogin,
      ),
      startEchoBackend({ name: 'corp-backend' }),
      startEchoBackend({ name: 'github-backend' }),
    ]);
    started.push(corp, github, corpBackend, githubBackend);

    const config: Record<string, Yaml | undefined> = {
      issuer,
      // ES256 signs; the RS256 key signs the ID tokens of RS256 clients, the same on every replica.
      signing_keys: options.signingKey
        ? [
            { file: writeSigningKey(dir.path) },
            { file: writeSigningKey(dir.path, 'id-token-rs256.pem', 'rsa') },
          ]
        : undefined,
      storage: options.redisUrl
        ? { type: 'redis', url: options.redisUrl, key_prefix: `e2e-${randomBytes(6).toString('hex')}:` }
        : { type: 'memory' },
      registration: options.registration ?? { enabled: true },
      // Replicas answer on their own ports: each one's Host passes the routes' DNS-rebinding check
      // (a deployment behind one load balancer lists its public host instead).
      allowed_hosts: ports.length > 1 ? ports.map((port) => `127.0.0.1:${port}`) : undefined,
      clients: options.clients,
      upstreams: [
        {
          name: 'corp',
          type: 'oidc',
          issuer: corp.url,
          client_id: 'gateway',
          client_secret_env: 'CORP_CLIENT_SECRET',
          scopes: ['openid', 'profile', 'email', 'offline_access'],
        },
        {
          name: 'github',
          type: 'oauth2',
          authorization_endpoint: `${github.url}/login/oauth/authorize`,
          token_endpoint: `${github.url}/login/oauth/access_token`,
          userinfo: {
            endpoint: `${github.url}/user`,
            subject_field: 'id',
            name_field: 'login',
            email_field: 'email',
          },
          client_id: 'gateway',
          client_secret_env: 'GITHUB_CLIENT_SECRET',
          scopes: ['repo'],
        },
      ],
      routes: [
        { path: '/mcp/corp', backend: options.corpBackendUrl ?? corpBackend.url, upstream: 'corp' },
        {
          path: '/mcp/github',
          backend: githubBackend.url,
          upstream: 'github',
          header_strategy: 'custom',
          custom_header_name: 'X-Upstream-Token',
        },
        ...(options.extraRoutes ?? []),
      ],
    };
    options.editConfig?.(config);
    const configPath = join(dir.path, 'gateway.yaml');
    writeFileSync(configPath, `${toYaml(config as Yaml)}\n`);

    const gateways = await Promise.all(
      ports.map((port, i) =>
        spawnCli({
          name: `gateway-${i + 1}`,
          script: CLI.gateway,
          args: [
            'serve',
            '--config',
            configPath,
            '--port',
            String(port),
            '--log-level',
            options.logLevel ?? 'info',
          ],
          env: { ...UPSTREAM_SECRETS, ...options.gatewayEnv },
          readyPattern: GATEWAY_READY,
          readyTimeoutMs: 45_000,
        }),
      ),
    );
    started.push(...gateways);
    const outputs = gateways.map((g) => g.output);
    return {
      issuer,
      gatewayUrls: gateways.map((g) => g.ready),
      gateways,
      corp,
      github,
      corpBackend,
      githubBackend,
      configPath,
      dir: dir.path,
      gatewayOutput: () => outputs.map((read) => read()).join('\n'),
      async stop() {
        await Promise.all(gateways.map((g) => g.stop()));
        await Promise.all([corp.stop(), github.stop(), corpBackend.close(), githubBackend.close()]);
        dir.remove();
      },
    };
  } catch (error) {
    await Promise.all(started.map((s) => ('received' in s ? s.close() : s.stop())));
    dir.remove();
    throw error;
  }
}
