import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'soak-smoke-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A few seconds of `npm run soak`: every step runs (baseline, load, drain, checks, table, results). */
const TINY = {
  SOAK_SECONDS: '4',
  SOAK_USERS: '2',
  SOAK_REQUESTS_PER_SESSION: '6',
  SOAK_REFRESHES_PER_SESSION: '1',
  SOAK_UPSTREAM_TTL: '2',
  SOAK_CODE_LIFETIME: '10',
  SOAK_DRAIN_SECONDS: '2',
  SOAK_SAMPLE_SECONDS: '2',
  SOAK_RESULTS: join(dir, 'results.json'),
};

interface Results {
  passed: boolean;
  counts: { logins: number; refreshes: number; proxied: number; revokes: number; errors: number };
  checks: Record<string, boolean>;
  samples: Array<{ phase: string }>;
}

// The soak's figures are not judged here (they come from the ten-minute run); this keeps it working.
it('npm run soak, for a few seconds: logins, refreshes and proxied requests with zero errors, checks pass', async () => {
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>(
    (resolve) => {
      execFile(
        process.execPath,
        ['--conditions=dev-source', '--import', 'tsx', 'soak/run.ts'],
        { cwd: root, env: { ...process.env, ...TINY }, timeout: 180_000 },
        (error, out, err) =>
          resolve({ code: error ? ((error.code as number) ?? 1) : 0, stdout: out, stderr: err }),
      );
    },
  );
  expect(code, `${stdout}\n${stderr}`).toBe(0);
  const results = JSON.parse(readFileSync(TINY.SOAK_RESULTS, 'utf8')) as Results;
  expect(results.passed).toBe(true);
  expect(Object.values(results.checks).every(Boolean)).toBe(true);
  expect(results.counts.errors).toBe(0);
  expect(results.counts.logins).toBeGreaterThan(2);
  expect(results.counts.refreshes).toBeGreaterThan(0);
  expect(results.counts.proxied).toBeGreaterThan(0);
  expect(results.samples.map((s) => s.phase)).toEqual(expect.arrayContaining(['baseline', 'load', 'after']));
  expect(stdout).toMatch(/heapUsedMb\s+rssMb\s+redisUsedMb\s+redisKeys/);
}, 200_000);
