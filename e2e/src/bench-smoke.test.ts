import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

// `npm run bench` is not timed here (speed lives in benchmarks, not tests); this only keeps it
// working: a short run must log in through the chain, load both paths and print its ratios.
it('npm run bench completes a short run and prints both ratios', async () => {
  const output = await new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      ['--conditions=dev-source', '--import', 'tsx', 'bench/run.ts'],
      { cwd: root, env: { ...process.env, BENCH_REQUESTS: '40', BENCH_CONCURRENCY: '4' }, timeout: 90_000 },
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
    );
  });
  expect(output).toMatch(/throughput ratio gateway\/bare: \d+\.\d\d/);
  expect(output).toMatch(/latency ratio {4}gateway\/bare: \d+\.\d\d/);
}, 120_000);
