import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const cli = join(repoRoot, 'apps/server/src/cli.ts');
const examples = join(repoRoot, 'examples');

const SECRETS = {
  CORP_CLIENT_SECRET: 'corp-secret-value-91ab',
  GITHUB_CLIENT_SECRET: 'github-secret-value-27cd',
  PORTAL_CLIENT_SECRET: 'portal-secret-value-55ef',
  REDIS_URL: 'redis://:redis-password-value@127.0.0.1:6399/0',
  REDIS_ENCRYPTION_KEY: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff',
};

function runCli(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--conditions=dev-source', '--import', 'tsx', cli, ...args],
      { cwd: repoRoot, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
      },
    );
  });
}

const temp = mkdtempSync(join(tmpdir(), 'auth-server-cli-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('auth-server check', { timeout: 60_000 }, () => {
  it.each(['minimal.yaml', 'two-upstreams.yaml'])('accepts examples/%s and exits 0', async (file) => {
    const result = await runCli(['check', '--config', join(examples, file)], SECRETS);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(': ok (issuer http://127.0.0.1:8080');
  });

  it('accepts examples/production.yaml with its key files and secrets in place, printing no secret', async () => {
    const dir = join(temp, 'production');
    mkdirSync(join(dir, 'keys'), { recursive: true });
    cpSync(join(examples, 'production.yaml'), join(dir, 'production.yaml'));
    for (const name of ['current', 'previous']) {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      writeFileSync(join(dir, 'keys', `${name}.pem`), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    }
    const result = await runCli(['check', '--config', join(dir, 'production.yaml')], SECRETS);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('upstreams corp → github');
    expect(result.stdout).toContain('storage redis');
    for (const secret of Object.values(SECRETS)) expect(result.stdout).not.toContain(secret);
  });

  it('warns loudly, naming the key to set, when Redis holds upstream tokens without encryption_key (exit 0)', async () => {
    // Regression: Redis without an encryption key kept upstream access and refresh tokens in clear, silently.
    const file = join(temp, 'redis-in-clear.yaml');
    const lines = (extra: string[]) =>
      [
        'issuer: http://127.0.0.1:8080',
        'storage:',
        '  type: redis',
        '  url: redis://127.0.0.1:6399',
        ...extra,
        'upstreams:',
        '  - { type: oidc, issuer: http://127.0.0.1:9001, client_id: gateway }',
      ].join('\n');
    writeFileSync(file, lines([]));
    const clear = await runCli(['check', '--config', file], SECRETS);
    expect(clear.code).toBe(0);
    expect(clear.stdout).toContain(': ok (');
    expect(clear.stderr).toMatch(
      /^.*redis-in-clear\.yaml: WARNING: storage\.encryption_key_env .*in clear.*$/m,
    );
    writeFileSync(file, lines(['  encryption_key_env: REDIS_ENCRYPTION_KEY']));
    const encrypted = await runCli(['check', '--config', file], SECRETS);
    expect(encrypted.code).toBe(0);
    expect(encrypted.stderr).toBe('');
  });

  it('prints every problem of a broken file with its path, and exits 1', async () => {
    const file = join(temp, 'broken.yaml');
    writeFileSync(
      file,
      [
        'issuer: http://127.0.0.1:8080/',
        'token_lifetimes: { access_token: 5s }',
        'upstreams:',
        '  - name: corp',
        '    type: oidc',
        '    issuer: http://127.0.0.1:9001',
        '    client_id: gateway',
        '    client_secrt_env: CORP_CLIENT_SECRET',
        '  - name: corp',
        '    type: oauth2',
        '    client_id: gateway',
        'routes:',
        '  - { path: /mcp/x, backend: http://127.0.0.1:9101, upstream: nowhere }',
      ].join('\n'),
    );
    const result = await runCli(['check', '--config', file], SECRETS);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.split('\n');
    expect(lines[0]).toMatch(/broken\.yaml: \d+ problems$/);
    for (const path of [
      'issuer',
      'token_lifetimes.access_token',
      'upstreams[0].client_secrt_env',
      'upstreams[1].name',
      'routes[0].upstream',
    ]) {
      expect(
        lines.some((line) =>
          new RegExp(`^  ${path.replace(/[.[\]]/g, '\\$&')} \\(line \\d+, column \\d+\\): `).test(line),
        ),
        `a line for ${path}`,
      ).toBe(true);
    }
    expect(result.stderr).toContain('client_secret_env');
  });

  it('prints line and column with every problem, YAML syntax errors included', async () => {
    const typo = join(temp, 'typo.yaml');
    writeFileSync(
      typo,
      'issuer: http://127.0.0.1:8080\nupstreams:\n  - type: oidc\n    issuer: http://127.0.0.1:9001\n    client_id: gw\n    scopes: [openid\n',
    );
    const syntax = await runCli(['check', '--config', typo]);
    expect(syntax.code).toBe(1);
    expect(syntax.stderr).toMatch(/\(config\) \(line \d+, column \d+\): YAML syntax error/);
    const misspelt = join(temp, 'misspelt.yaml');
    writeFileSync(
      misspelt,
      [
        'issuer: http://127.0.0.1:8080',
        'upstreams:',
        '  - type: oidc',
        '    issuer: http://127.0.0.1:9001',
        '    clientid: gw',
        'routes:',
        '  - { path: /mcp, backend: http://127.0.0.1:9101 }',
      ].join('\n'),
    );
    const result = await runCli(['check', '--config', misspelt]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `${misspelt}: 1 problem\n  upstreams[0].clientid (line 5, column 5): unknown key; did you mean "client_id"?\n`,
    );
  });

  it('--help (alone or after a command) prints usage on stdout and exits 0', async () => {
    for (const args of [['--help'], ['-h'], ['serve', '--help'], ['help']]) {
      const result = await runCli(args);
      expect(result.code, args.join(' ')).toBe(0);
      expect(result.stderr).toBe('');
      expect(result.stdout).toContain('Usage:');
      expect(result.stdout).toContain('auth-server check --config FILE');
    }
  });

  it('--version prints the package version and exits 0', async () => {
    const { version } = JSON.parse(readFileSync(join(repoRoot, 'apps/server/package.json'), 'utf8')) as {
      version: string;
    };
    for (const args of [['--version'], ['-v']]) {
      const result = await runCli(args);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`auth-server ${version}\n`);
    }
  });

  it('refuses an unknown --log-format with exit 2 and says which values work', async () => {
    const result = await runCli(['check', '--config', join(examples, 'minimal.yaml'), '--log-format', 'xml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--log-format must be json or pretty, not "xml"');
  });

  it('exits 2 with usage on stderr when no command is given', async () => {
    const none = await runCli([]);
    expect(none.code).toBe(2);
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain('Usage:');
  });

  it('exits 2 with usage on a missing --config or an unknown command', async () => {
    const missing = await runCli(['check']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Usage:');
    const unknown = await runCli(['launch', '--config', 'x.yaml']);
    expect(unknown.code).toBe(2);
  });
});
