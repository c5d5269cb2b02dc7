import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = 'apps/mock-idp/src/cli.ts';
const children: ChildProcess[] = [];

function run(args: string[]) {
  const child = spawn(process.execPath, ['--conditions=dev-source', '--import', 'tsx', CLI, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal }));
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

// Spawning through tsx takes seconds on a loaded two-core machine: generous, bounded timeouts.
describe('mock-idp CLI', { timeout: 60_000 }, () => {
  it('prints its URL when ready, serves discovery, and exits 0 on SIGTERM', async () => {
    const proc = run([
      '--issuer',
      'http://127.0.0.1:0',
      '--mode',
      'oidc',
      '--client-id',
      'gw',
      '--client-secret',
      'cli-secret',
    ]);
    const url = await waitFor(
      () => /mock-idp listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(proc.stdout())?.[1],
      45_000,
    );
    const discovery = (await (await fetch(`${url}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(discovery['issuer']).toBe(url);
    expect(discovery['token_endpoint']).toBe(`${url}/token`);
    expect(proc.stdout()).toBe(`mock-idp listening on ${url}\n`);
    expect(proc.stdout() + proc.stderr()).not.toContain('cli-secret');
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toEqual({ code: 0, signal: null });
  });

  it('takes repeated --redirect-uri and --auto-login in oauth2 mode, and stops on SIGINT', async () => {
    const proc = run([
      '--issuer',
      'http://127.0.0.1:0',
      '--mode',
      'oauth2',
      '--client-id',
      'gw',
      '--redirect-uri',
      'http://127.0.0.1:9/a',
      '--redirect-uri',
      'http://127.0.0.1:9/b',
      '--auto-login',
      'octocat',
    ]);
    const url = await waitFor(() => /listening on (http:\/\/[^\s]+)/.exec(proc.stdout())?.[1], 45_000);
    const authorize = (redirect: string) =>
      fetch(
        `${url}/login/oauth/authorize?client_id=gw&redirect_uri=${encodeURIComponent(redirect)}&code_challenge=${'B'.repeat(43)}&code_challenge_method=S256`,
        { redirect: 'manual' },
      );
    const ok = await authorize('http://127.0.0.1:9/b');
    expect(ok.status).toBe(302);
    expect(new URL(ok.headers.get('location') ?? '').searchParams.has('code')).toBe(true);
    expect((await authorize('http://127.0.0.1:9/c')).status).toBe(400);
    proc.child.kill('SIGINT');
    expect((await proc.exited).code).toBe(0);
  });

  it('exits 2 with the usage on stderr for bad arguments', async () => {
    const cases: [string[], RegExp][] = [
      [['--issuer', 'http://127.0.0.1:0', '--mode', 'oidc', '--client-id', 'x', '--bogus'], /Unknown option/],
      [['--issuer', 'not a url', '--mode', 'oidc', '--client-id', 'x'], /issuer: must be an absolute URL/],
    ];
    // One parser error, one option error (parseCliArgs.test.ts covers the rest); in parallel,
    // as each spawn pays tsx's start-up.
    await Promise.all(
      cases.map(async ([args, message]) => {
        const proc = run(args);
        expect((await proc.exited).code).toBe(2);
        expect(proc.stderr()).toMatch(message);
        expect(proc.stderr()).toMatch(/usage: mock-idp --issuer URL/);
        expect(proc.stdout()).toBe('');
      }),
    );
  });
});
