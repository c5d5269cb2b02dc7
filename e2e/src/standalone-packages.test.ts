import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, login, registerClient } from '@auth/test-kit';
import { afterAll, expect, it } from 'vitest';
import { CLI, repoRoot, spawnCli, stopAll } from './support/process.js';

const run = promisify(execFile);
const temp = mkdtempSync(join(tmpdir(), 'auth-standalone-'));
afterAll(async () => {
  await stopAll();
  await rm(temp, { recursive: true, force: true });
}, 120_000);

/** What the README example imports, and the `@auth/*` packages those depend on. */
const PACKAGES = ['protocol', 'storage', 'upstream', 'chain', 'identity', 'upstreamswap'];
/** The READMEs that carry the example; the block is the same in each. */
const READMES = ['packages/chain/README.md', 'packages/identity/README.md'];

/** The README's `js` block that starts with `// app.mjs`, verbatim. */
function exampleOf(readme: string): string {
  const text = readFileSync(join(repoRoot, readme), 'utf8');
  const match = /^```js\n(\/\/ app\.mjs[\s\S]*?)^```$/m.exec(text);
  if (match?.[1] === undefined) throw new Error(`${readme} has no \`// app.mjs\` example`);
  return match[1];
}

/** npm with no inherited npm state (the test may run under `npm test`), bounded. */
function npm(args: string[], cwd: string, timeout: number) {
  return run('npm', args, { cwd, timeout, env: { PATH: process.env.PATH, HOME: process.env.HOME } });
}

// Issue 12, packages usable alone: each package packed with `npm pack`, installed into a project
// outside the workspace, and the READMEs' example run there as written against the mock IdP's CLI.
// A real OAuth client (oauth4webapi through the test kit) logs in, then calls the protected
// route; the 401's resource_metadata URL is served. `npm test` builds first, so dist/ is fresh.
it('the README example runs on the packed packages, installed outside the workspace', {
  timeout: 420_000,
}, async () => {
  const example = exampleOf(READMES[0]!);
  for (const readme of READMES.slice(1)) expect(exampleOf(readme), readme).toBe(example);
  for (const name of PACKAGES) {
    expect(existsSync(join(repoRoot, 'packages', name, 'dist')), `${name} is built`).toBe(true);
  }

  const tarballs = join(temp, 'tarballs');
  const project = join(temp, 'project');
  mkdirSync(tarballs);
  mkdirSync(project);
  const workspaces = PACKAGES.flatMap((name) => ['-w', `packages/${name}`]);
  const packed = await npm(
    ['pack', '--json', '--ignore-scripts', '--pack-destination', tarballs, ...workspaces],
    repoRoot,
    120_000,
  );
  const files = (JSON.parse(packed.stdout) as Array<{ filename: string }>).map((entry) => entry.filename);
  expect(files).toHaveLength(PACKAGES.length);

  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'standalone-example', private: true, type: 'module' }),
  );
  const { version: express } = JSON.parse(
    readFileSync(join(repoRoot, 'node_modules/express/package.json'), 'utf8'),
  ) as { version: string };
  // Third-party dependencies come from the registry, or the npm cache the workspace install filled.
  await npm(
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      ...files.map((file) => join(tarballs, file)),
      `express@${express}`,
    ],
    project,
    240_000,
  );
  // Installed copies, not links into the workspace.
  expect(existsSync(join(project, 'node_modules/@auth/chain/dist/index.js'))).toBe(true);
  expect(existsSync(join(project, 'node_modules/@auth/chain/src'))).toBe(false);
  writeFileSync(join(project, 'app.mjs'), example);

  const idp = await spawnCli({
    name: 'mock-idp',
    script: CLI.mockIdp,
    args: [
      '--issuer',
      'http://127.0.0.1:0',
      '--mode',
      'oidc',
      '--client-id',
      'gateway',
      '--client-secret',
      's3cret',
      '--auto-login',
      'alice',
    ],
    readyPattern: /mock-idp listening on (\S+)/,
  });
  const port = await freePort();
  const gateway = await spawnCli({
    name: 'README example',
    script: 'app.mjs',
    cwd: project,
    nodeArgs: [],
    args: [],
    env: { PORT: String(port), IDP_ISSUER: idp.ready },
    readyPattern: /gateway on (\S+)/,
  });
  const issuer = gateway.ready;
  expect(issuer).toBe(`http://127.0.0.1:${port}`);
  const api = `${issuer}/api`;

  // RFC 9728 §5.1: the 401 names the metadata, and the metadata is there.
  const refused = await fetch(api);
  expect(refused.status).toBe(401);
  const resourceMetadata = /resource_metadata="([^"]+)"/.exec(
    refused.headers.get('www-authenticate') ?? '',
  )?.[1];
  expect(resourceMetadata).toBe(`${issuer}/.well-known/oauth-protected-resource/api`);
  const metadata = await fetch(resourceMetadata ?? '');
  expect(metadata.status).toBe(200);
  expect(await metadata.json()).toEqual({
    resource: api,
    authorization_servers: [issuer],
    bearer_methods_supported: ['header'],
  });

  // A public client registers (RFC 7591), walks consent and the IdP leg, redeems the code (PKCE).
  const client = await registerClient(issuer);
  const { tokens, ride } = await login(client, { scope: 'openid offline_access' }, { resource: api });
  expect(ride.consentShown).toBe(true);
  const called = await fetch(api, { headers: { authorization: `Bearer ${tokens.access_token}` } });
  const body = (await called.json()) as { user: string; corp: { sub?: string } };
  expect(called.status, JSON.stringify(body)).toBe(200);
  expect(body.user).toMatch(/\S/);
  // corp's userinfo accepted the header the route forwarded: it held corp's own token, not the JWT.
  expect(body.corp.sub).toBe('alice');
  expect(gateway.output()).not.toContain(tokens.access_token);
});
