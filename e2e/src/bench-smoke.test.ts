import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The tiniest run that still goes through every step of every scenario (two rounds, so spreads exist). */
const TINY = {
  BENCH_DURATION: '1',
  BENCH_WARMUP: '0',
  BENCH_ROUNDS: '2',
  BENCH_CONNECTIONS: '2',
  BENCH_TOKENS: '20',
  BENCH_LOGINS: '2',
  BENCH_LOGIN_WARMUP: '0',
  BENCH_LOGIN_CONCURRENCY: '1',
  BENCH_COUNTED_REQUESTS: '20',
  BENCH_COUNTED_LOGINS: '1',
  BENCH_SESSIONS: '200',
};

function runBench(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'bench/run.ts'],
      { cwd: root, env: { ...process.env, ...TINY, ...env }, timeout: 240_000 },
      (error, stdout, stderr) => resolve({ code: error ? ((error.code as number) ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Pids of live processes whose environment carries this run's BENCH_RUN_ID. */
function processesOfRun(runId: string): number[] {
  const marker = `BENCH_RUN_ID=${runId}`;
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(marker);
      } catch {
        return false; // exited meanwhile, or not ours to read
      }
    })
    .map(Number);
}

interface Results {
  settings: { runId: string; rounds: number };
  table: Array<{ scenario: number; measure: string; ours: string }>;
  scenarios: Record<string, { title: string; rows: unknown[]; data: Record<string, unknown> }>;
}

// `npm run bench` is not timed here (speed lives in benchmarks, not tests); this keeps it working:
// a tiny run must go through all six scenarios, print the table, write results.json and leave no process.
it('a tiny bench run covers every scenario, writes results.json and leaves no child process', async () => {
  const runId = randomUUID();
  const out = join(dir, 'results.json');
  const { code, stdout, stderr } = await runBench({ BENCH_OUT: out, BENCH_RUN_ID: runId });
  expect(code, stderr).toBe(0);
  expect(stdout).toMatch(/^# \| measure +\| ours: median \(min–max\) +\| reference/m);

  const results = JSON.parse(readFileSync(out, 'utf8')) as Results;
  expect(results.settings.runId).toBe(runId);
  expect(Object.keys(results.scenarios)).toEqual(['1', '2', '3', '4', '5', '6']);
  const measures = results.table.map((row) => row.measure);
  for (const expected of [
    'throughput req/s, memory',
    'throughput req/s, Redis',
    'p99 latency, Redis',
    'non-2xx / errors / closed connections, gateway-redis',
    'validations req/s, one token reused',
    'validations req/s, 20 tokens rotated',
    'gateway CPU ms per login, 2 upstreams, memory',
    'gateway CPU ms per login, 3 upstreams, redis',
    'Redis commands per protected request, 1 upstream',
    'Redis commands per login leg, POST /oauth/token',
    'heap bytes per stored session (2 upstreams), 200 sessions, memory',
  ]) {
    expect(
      measures.some((m) => m.startsWith(expected)),
      expected,
    ).toBe(true);
  }

  // Every alternated subject ran every round and got answers.
  const protectedRounds = results.scenarios['1']!.data['rounds'] as Record<
    string,
    Array<{ responses: number }>
  >;
  expect(Object.keys(protectedRounds).sort()).toEqual(['bare-proxy', 'gateway-memory', 'gateway-redis']);
  for (const rounds of Object.values(protectedRounds)) {
    expect(rounds).toHaveLength(2);
    for (const round of rounds) expect(round.responses).toBeGreaterThan(0);
  }
  const loginRounds = results.scenarios['3']!.data['rounds'] as Record<
    string,
    Array<{ cpuMsPerLogin: number }>
  >;
  expect(Object.keys(loginRounds)).toContain('oidc-provider');
  expect(Object.keys(loginRounds)).toHaveLength(7);
  // Redis counted something real: a protected request reads the session's upstream tokens at least once.
  const counted = results.scenarios['4']!.data['protectedRequests'] as Record<
    string,
    { responses: number; commands: { sent: Record<string, number>; inScripts: Record<string, number> } }
  >;
  for (const { responses, commands } of Object.values(counted)) {
    expect(responses).toBeGreaterThan(0);
    expect(Object.values(commands.sent).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(responses);
  }
  expect(results.scenarios['5']!.data['heapBytesPerSession']).toBeGreaterThan(0);
  const aggregateRounds = results.scenarios['6']!.data['rounds'] as Record<
    'aggregate' | 'direct',
    Array<{ responses: number; non2xx: number; errors: number }>
  >;
  for (const subject of ['aggregate', 'direct'] as const) {
    for (const round of aggregateRounds[subject]) {
      expect(round.responses).toBeGreaterThan(0);
      expect(round.non2xx + round.errors).toBe(0);
    }
  }

  expect(processesOfRun(runId)).toEqual([]);
}, 300_000);

it('a failing bench run exits non-zero, names the failure and leaves no child process', async () => {
  const runId = randomUUID();
  // Scenario 1 starts its backend, IdPs and Redis, then a gateway that cannot start.
  const { code, stderr } = await runBench({
    BENCH_SCENARIOS: '1',
    BENCH_LOG_LEVEL: 'no-such-level',
    BENCH_OUT: join(dir, 'failed.json'),
    BENCH_RUN_ID: runId,
  });
  expect(code).toBe(1);
  expect(stderr).toMatch(/bench failed: scenario 1 failed .*gateway-(memory|redis) exited/);
  expect(processesOfRun(runId)).toEqual([]);
}, 120_000);
