import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const doc = readFileSync(`${root}docs/security.md`, 'utf8');

/** Every `file.test.ts` docs/security.md names, with the test name after ` › ` when it gives one. */
function references(): Array<{ file: string; test: string | undefined }> {
  const found: Array<{ file: string; test: string | undefined }> = [];
  for (const match of doc.matchAll(/`([\w./-]+\.test\.ts)`(?: › ([^;|]+))?/g))
    found.push({ file: match[1]!, test: match[2]?.trim() });
  return found;
}

// docs/security.md says which test covers each threat: each one named must exist.
describe('docs/security.md', () => {
  it('names test files', () => {
    expect(references().length).toBeGreaterThan(30);
  });

  it('names only test files that exist, and tests that those files hold', () => {
    const missing = references().filter(
      ({ file, test }) =>
        !existsSync(`${root}${file}`) ||
        (test !== undefined && !readFileSync(`${root}${file}`, 'utf8').includes(test)),
    );
    expect(missing).toEqual([]);
  });
});
