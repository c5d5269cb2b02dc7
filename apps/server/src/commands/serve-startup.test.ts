import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, type Listening, listen, rawRequest } from '@auth/test-kit';
import { describe, expect, it } from 'vitest';
import { serveFixture } from '../test-support/serve-fixture.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const cli = join(repoRoot, 'apps/server/src/cli.ts');

/** The test gives up on a process after this long; `startup_timeout` in these configs is far below it. */
const KILL_AFTER_MS = 40_000;

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code, or null when the test had to kill the process. */
  exited: Promise<number | null>;
  /** The parsed JSON log line whose `msg` matches, once printed. */
  line(pattern: RegExp): Promise<Record<string, unknown>>;
}

/** `auth-server serve` from source, as a child process with a minimal environment. */
function serve(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(
    process.execPath,
    ['--conditions=dev-source', '--import', 'tsx', cli, 'serve', ...args],
    {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    child.kill('SIGKILL');
  }, KILL_AFTER_MS);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(killed ? null : code);
    }),
  );
  const line = (pattern: RegExp) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const look = () => {
        for (const text of out.split('\n')) {
          if (!text.startsWith('{')) continue;
          const entry = JSON.parse(text) as Record<string, unknown>;
          if (pattern.test(String(entry.msg))) {
            child.stdout!.off('data', look);
            resolve(entry);
            return;
          }
        }
      };
      child.stdout!.on('data', look);
      void exited.then(() => reject(new Error(`exited before ${pattern}:\n${out}\n${err}`)));
      look();
    });
  return { child, stdout: () => out, stderr: () => err, exited, line };
}

/** Every line printed, parsed: a line that is not JSON fails the parse. */
function jsonLines(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`not a JSON line: ${line}`);
      }
    });
}

const fixture = serveFixture('auth-server-serve-');
const writeConfig = fixture.writeConfig;
const upstream = () => fixture.upstreamLine();

describe('auth-server serve: the listen address apart from the public URL', { timeout: 60_000 }, () => {
  it('an https issuer with --listen 127.0.0.1:0 answers over plain HTTP with https URLs in its metadata', async () => {
    const file = writeConfig('https-issuer', [
      'issuer: https://auth.example.com',
      'upstreams:',
      upstream(),
      'routes:',
      '  - { path: /mcp, backend: http://127.0.0.1:9 }',
    ]);
    const run = serve(['--config', file, '--listen', '127.0.0.1:0']);
    try {
      const ready = await run.line(/^auth-server listening on /);
      const listening = String(ready.listen);
      expect(listening).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(ready.msg).toBe(`auth-server listening on ${listening}, issuer https://auth.example.com`);
      expect(ready.issuer).toBe('https://auth.example.com');

      const metadata = (await (
        await fetch(`${listening}/.well-known/oauth-authorization-server`)
      ).json()) as Record<string, string>;
      expect(metadata.issuer).toBe('https://auth.example.com');
      expect(metadata.authorization_endpoint).toMatch(/^https:\/\/auth\.example\.com\//);
      expect(metadata.token_endpoint).toMatch(/^https:\/\/auth\.example\.com\//);
      const resource = (await (
        await fetch(`${listening}/.well-known/oauth-protected-resource/mcp`)
      ).json()) as Record<string, unknown>;
      expect(resource.resource).toBe('https://auth.example.com/mcp');

      // The DNS-rebinding check keys on the public host the proxy forwards, not on the socket's.
      const viaProxy = await rawRequest(listening, { path: '/mcp', headers: { host: 'auth.example.com' } });
      expect(viaProxy.status).toBe(401);
      const direct = await fetch(`${listening}/mcp`);
      expect(direct.status).toBe(403);
      expect(jsonLines(run.stdout()).length).toBeGreaterThan(0);
      expect(run.stderr()).toBe('');
    } finally {
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
    }
  });

  it('takes AUTH_SERVER_LISTEN when no flag is given', async () => {
    const port = await freePort();
    const file = writeConfig('env-listen', ['issuer: https://auth.example.com', 'upstreams:', upstream()]);
    const run = serve(['--config', file], { AUTH_SERVER_LISTEN: `127.0.0.1:${port}` });
    try {
      const ready = await run.line(/^auth-server listening on /);
      expect(ready.listen).toBe(`http://127.0.0.1:${port}`);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    } finally {
      run.child.kill('SIGTERM');
      await run.exited;
    }
  });
});

describe('auth-server serve: ready, or a non-zero exit with one JSON line naming the cause', {
  timeout: 60_000,
}, () => {
  /** Runs serve to its exit; every line it printed must be JSON, and the last one says why it failed. */
  async function failure(args: string[], env: Record<string, string> = {}) {
    const run = serve(args, env);
    const code = await run.exited;
    expect(code, 'exited by itself, non-zero').toBe(1);
    expect(run.stderr()).toBe('');
    const lines = jsonLines(run.stdout());
    const last = lines.at(-1)!;
    expect(last.event).toBe('startup.failed');
    expect(last.level).toBe(60);
    expect(lines.filter((entry) => entry.event === 'startup.failed')).toHaveLength(1);
    return { last, lines, output: run.stdout() };
  }

  it('Redis unreachable (a closed loopback port): exits 1 by itself within server.startup_timeout, JSON only', async () => {
    const port = await freePort();
    const file = writeConfig('redis-down', [
      'issuer: http://127.0.0.1:0',
      'server: { startup_timeout: 2s }',
      'storage: { type: redis, url_env: REDIS_URL, encryption_key_env: REDIS_KEY }',
      'upstreams:',
      upstream(),
    ]);
    const { last, output } = await failure(['--config', file], {
      REDIS_URL: `redis://127.0.0.1:${port}`,
      REDIS_KEY: Buffer.alloc(32, 3).toString('base64'),
    });
    expect(last.reason).toBe('storage_unreachable');
    expect(last.msg).toMatch(/^start-up failed: storage unreachable: Redis unavailable/);
    expect(output).not.toContain('[ioredis]');
    expect(output).toContain('"event":"redis.connection_error"');
  });

  it('upstream discovery failing: exits 1 naming the upstream', async () => {
    const port = await freePort();
    const file = writeConfig('idp-down', [
      'issuer: http://127.0.0.1:0',
      'server: { startup_timeout: 2s }',
      'upstreams:',
      `  - { name: corp, type: oidc, issuer: "http://127.0.0.1:${port}", client_id: gateway }`,
    ]);
    const { last } = await failure(['--config', file]);
    expect(last.reason).toBe('upstream_unreachable');
    expect(last.subject).toBe('upstream "corp"');
    expect(last.msg).toMatch(/^start-up failed: upstream "corp" unreachable: /);
  });

  it('an optional upstream that is down does not hold start-up up (the chain skips it)', async () => {
    const port = await freePort();
    const file = writeConfig('optional-down', [
      'issuer: http://127.0.0.1:0',
      'server: { startup_timeout: 2s }',
      'upstreams:',
      `  - { name: corp, type: oidc, issuer: "${fixture.idp.issuer}", client_id: gateway }`,
      `  - { name: extra, type: oidc, issuer: "http://127.0.0.1:${port}", client_id: gateway, optional: true }`,
    ]);
    const run = serve(['--config', file]);
    try {
      expect((await run.line(/^auth-server listening on /)).upstreams).toEqual(['corp', 'extra']);
    } finally {
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
    }
  });

  it('port in use: exits 1 with the address in a clear line', async () => {
    let taken: Listening | undefined;
    try {
      taken = await listen(() => {});
      const file = writeConfig('port-in-use', ['issuer: http://127.0.0.1:0', 'upstreams:', upstream()]);
      const { last } = await failure(['--config', file, '--listen', `127.0.0.1:${taken.port}`]);
      expect(last.reason).toBe('address_in_use');
      expect(last.msg).toBe(
        `start-up failed: cannot listen on http://127.0.0.1:${taken.port}: the port is in use (EADDRINUSE)`,
      );
    } finally {
      await taken?.close();
    }
  });

  it('a bad config: exits 1 listing its problems with their paths, as JSON', async () => {
    const file = writeConfig('bad', [
      'issuer: http://127.0.0.1:0',
      'server: { listen: "8080", startup_timeout: 2s }',
      'upstreams:',
      upstream(),
    ]);
    const { last } = await failure(['--config', file]);
    expect(last.reason).toBe('config_invalid');
    expect(last.msg).toMatch(/1 problem in the configuration/);
    expect(last.problems).toEqual([
      expect.stringMatching(/^server\.listen \(line 2, column \d+\): must be HOST:PORT/),
    ]);
  });

  it('a bad --listen: exits 1 as a bad configuration', async () => {
    const file = writeConfig('bad-flag', ['issuer: http://127.0.0.1:0', 'upstreams:', upstream()]);
    const { last } = await failure(['--config', file, '--listen', 'auth.example.com']);
    expect(last.reason).toBe('config_invalid');
    expect(last.msg).toMatch(/--listen must be HOST:PORT/);
  });
});
