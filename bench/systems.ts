import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFreePort, startRedisServer } from '@auth/storage/testing';
import { type BenchStorage, gatewayConfig, type UpstreamIdp } from './gateway-config.js';
import type { ProcessGroup, RunningProcess } from './processes.js';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

const GATEWAY_CLI = join(ROOT, 'apps/server/dist/cli.js');
const MOCK_IDP_CLI = join(ROOT, 'apps/mock-idp/dist/cli.js');
const BUILT = [
  GATEWAY_CLI,
  MOCK_IDP_CLI,
  join(ROOT, 'packages/identity/dist/index.js'),
  join(ROOT, 'packages/storage/dist/testing/index.js'),
];

/** The gateway and mock IdP run as users run them, from the build: refuse to measure without one. */
export function assertBuilt(): void {
  const missing = BUILT.filter((file) => !existsSync(file));
  if (missing.length > 0) {
    throw new Error(`not built: ${missing.join(', ')} (npm run bench builds first; or run npm run build)`);
  }
}

/**
 * `BENCH_PROFILE=<dir>`: the gateways and the bench's servers run with `--cpu-prof` into that
 * folder (one `.cpuprofile` per process, written when it stops), to see where the time goes.
 */
function profileArgs(): string[] {
  const dir = process.env['BENCH_PROFILE'];
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

/**
 * Starts one of bench/servers/*.ts in its own process. Without the `dev-source` condition, so
 * `@auth/*` packages load from their build, as an installed package would.
 */
export function startBenchServer(
  group: ProcessGroup,
  name: string,
  script: string,
  args: string[] = [],
): Promise<RunningProcess> {
  return group.start({
    name,
    command: process.execPath,
    args: [...profileArgs(), '--import', 'tsx', join(ROOT, 'bench/servers', script), ...args],
    ready: /listening on (\S+)/,
  });
}

/** The upstream IdPs a gateway can chain, in chain order: 1, 2 or 3 of them are used. */
const IDPS = [
  { name: 'corp', mode: 'oidc', clientSecret: 'corp-secret' },
  { name: 'github', mode: 'oauth2', clientSecret: 'github-secret' },
  { name: 'hr', mode: 'oidc', clientSecret: 'hr-secret' },
] as const;

/** Starts `count` mock IdPs with the real `mock-idp` CLI, each in its own process, logging users in at once. */
export async function startMockIdps(group: ProcessGroup, count: number): Promise<UpstreamIdp[]> {
  return Promise.all(
    IDPS.slice(0, count).map(async (idp) => {
      const running = await group.start({
        name: `mock-idp-${idp.name}`,
        command: process.execPath,
        args: [
          MOCK_IDP_CLI,
          ...['--issuer', 'http://127.0.0.1:0', '--mode', idp.mode],
          ...['--client-id', 'gateway', '--client-secret', idp.clientSecret, '--auto-login', 'bench'],
        ],
        ready: /mock-idp listening on (\S+)/,
      });
      return { ...idp, url: running.ready };
    }),
  );
}

/** Starts `redis-server` (no persistence) on a free loopback port, stopped with the group. */
export async function startRedis(group: ProcessGroup): Promise<{ url: string }> {
  const redis = await startRedisServer();
  group.adopt(() => redis.stop());
  return { url: redis.url };
}

/** A gateway started with `auth-server serve --config <file>`. */
export interface GatewayProcess extends RunningProcess {
  url: string;
}

/** Writes the gateway's YAML config into `logDir` and starts the real CLI on it. */
export async function startGateway(
  group: ProcessGroup,
  options: {
    name: string;
    upstreams: readonly UpstreamIdp[];
    storage: BenchStorage;
    backend: string;
    logDir: string;
    logLevel: string;
    mcpBackend?: string;
  },
): Promise<GatewayProcess> {
  // The issuer names the port, so it is picked first; another process may take it meanwhile: retry.
  for (let attempt = 1; ; attempt += 1) {
    const port = await findFreePort();
    const { yaml, env } = gatewayConfig({ ...options, issuer: `http://127.0.0.1:${port}` });
    const file = join(options.logDir, `${options.name}.yaml`);
    writeFileSync(file, yaml);
    try {
      const running = await group.start({
        name: options.name,
        command: process.execPath,
        args: [...profileArgs(), GATEWAY_CLI, 'serve', '--config', file, '--log-level', options.logLevel],
        env,
        ready: /auth-server listening on (http:\/\/[^\s,"]+)/,
      });
      return { ...running, url: running.ready };
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}
