import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

// Built from parts so that this file does not match itself.
const forbidden = [`${'SPEC'} §`, `${'specification'} the issues cite`];

/** Every tracked text file (git ls-files skips node_modules and dist), except the lock file. */
function trackedFiles(): string[] {
  return execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter((file) => file !== '' && file !== 'package-lock.json')
    .filter((file) => !/(^|\/)(node_modules|dist)\//.test(file));
}

// References point to documents in this repository (docs/architecture.md) or to RFCs,
// never to a design document that is not here (issue 14).
describe('references in tracked files', () => {
  it('name no design document outside the repository', () => {
    const hits: string[] = [];
    for (const file of trackedFiles()) {
      const text = readFileSync(`${root}${file}`, 'utf8');
      text.split('\n').forEach((line, index) => {
        if (forbidden.some((phrase) => line.includes(phrase)))
          hits.push(`${file}:${index + 1}: ${line.trim()}`);
      });
    }
    expect(hits).toEqual([]);
  });

  it('cite only anchors that docs/architecture.md has', () => {
    const anchors = new Set(
      readFileSync(`${root}docs/architecture.md`, 'utf8')
        .split('\n')
        .filter((line) => /^#{1,6} /.test(line))
        .map((line) =>
          line
            .replace(/^#+ /, '')
            .toLowerCase()
            .replace(/[^a-z0-9 -]/g, '')
            .replace(/ /g, '-'),
        ),
    );
    const cited = new Set<string>();
    for (const file of trackedFiles()) {
      for (const match of readFileSync(`${root}${file}`, 'utf8').matchAll(/architecture\.md#([a-z0-9-]+)/g)) {
        cited.add(match[1]!);
      }
    }
    expect(cited.size).toBeGreaterThan(10);
    expect([...cited].filter((anchor) => !anchors.has(anchor))).toEqual([]);
  });
});
