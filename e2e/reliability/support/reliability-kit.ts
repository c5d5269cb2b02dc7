import type { Redis } from 'ioredis';
import { CLI, type RunningProcess, spawnCli } from '../../src/support/process.js';
import { GATEWAY_READY, UPSTREAM_SECRETS } from '../../src/support/stack.js';

/** Sets faults at a mock IdP (its `/_mock/faults` control). */
export async function setFaults(idpUrl: string, faults: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${idpUrl}/_mock/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  });
  if (response.status >= 300) throw new Error(`faults refused: ${response.status}`);
}

/** How many refresh grants reached the mock IdP's token endpoint at `tokenPath`. */
export async function refreshGrants(idpUrl: string, tokenPath: string): Promise<number> {
  const log = (await (await fetch(`${idpUrl}/_mock/requests`)).json()) as Array<{
    path: string;
    params: Record<string, unknown>;
  }>;
  return log.filter((r) => r.path === tokenPath && r.params['grant_type'] === 'refresh_token').length;
}

/** The `tsid` claim of a gateway access token (read, not verified: the gateway verifies it). */
export function sessionIdOf(accessToken: string): string {
  const payload = JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString('utf8'));
  return String(payload.tsid);
}

/** Every key matching `pattern` with its remaining lifetime (ms; -1 = none) and, for strings, its value. */
export async function keysWithTtl(
  redis: Redis,
  pattern: string,
): Promise<Array<{ key: string; pttl: number; value: string | null }>> {
  const keys = await redis.keys(pattern);
  return Promise.all(
    keys.map(async (key) => ({
      key,
      pttl: await redis.pttl(key),
      value: (await redis.type(key)) === 'string' ? await redis.get(key) : null,
    })),
  );
}

/** Starts (again) a gateway process on `port` with the config at `configPath`. */
export function startGateway(
  name: string,
  configPath: string,
  port: number,
  env: Record<string, string> = {},
): Promise<RunningProcess> {
  return spawnCli({
    name,
    script: CLI.gateway,
    args: ['serve', '--config', configPath, '--port', String(port), '--log-level', 'info'],
    env: { ...UPSTREAM_SECRETS, ...env },
    readyPattern: GATEWAY_READY,
    readyTimeoutMs: 45_000,
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 100 ms until it holds (outside a test, where `expect.poll` is not allowed). */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** A GET on a protected route with the gateway access token. */
export function callRoute(url: string, accessToken: string): Promise<Response> {
  return fetch(url, { headers: { authorization: `Bearer ${accessToken}` } });
}
