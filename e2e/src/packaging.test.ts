import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const workspaces = [
  'packages/protocol',
  'packages/config',
  'packages/storage',
  'packages/upstream',
  'packages/chain',
  'packages/identity',
  'packages/upstreamswap',
  'apps/server',
  'apps/mock-idp',
];

interface PackedFile {
  path: string;
}

// Every package is publishable on its own (issue 2): the tarball holds built JS and
// declarations for each export, a README, and no tests or TypeScript sources.
// `npm test` builds first, so dist/ is fresh here.
describe('npm pack --dry-run of each workspace', () => {
  it.each(workspaces)('%s ships built JS and .d.ts for every export, and no tests', (workspace) => {
    const dir = `${root}${workspace}`;
    expect(existsSync(`${dir}/dist`), `${workspace} is built (npm run build)`).toBe(true);
    const [pack] = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
        cwd: dir,
        encoding: 'utf8',
      }),
    ) as Array<{ files: PackedFile[] }>;
    const files = pack!.files.map((file) => file.path);
    expect(files).toContain('README.md');
    expect(files).toContain('package.json');
    expect(files.filter((file) => /\.test\.|test-support\//.test(file))).toEqual([]);
    expect(files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([]);
    const manifest = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8')) as {
      exports: Record<string, string | { types: string; import: string }>;
      bin?: Record<string, string>;
    };
    const shipped = (path: string) => expect(files).toContain(path.replace(/^\.\//, ''));
    for (const target of Object.values(manifest.exports)) {
      if (typeof target === 'string') {
        shipped(target);
      } else {
        shipped(target.import);
        shipped(target.types);
      }
    }
    for (const bin of Object.values(manifest.bin ?? {})) shipped(bin);
  });
});
