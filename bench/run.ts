/**
 * `npm run bench`: the gateway measured from outside, every system under test in its own
 * process and the load generator in this one. Prints one table of ratios and writes
 * bench/results.json. Scenarios and how to read the table: bench/README.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessGroup } from './processes.js';
import { renderTable, type ScenarioResult, writeResults } from './report.js';
import { aggregateCallScenario } from './scenarios/aggregate-call.js';
import type { ScenarioContext } from './scenarios/context.js';
import { loginCpuScenario } from './scenarios/login-cpu.js';
import { protectedPathScenario } from './scenarios/protected-path.js';
import { redisCommandsScenario } from './scenarios/redis-commands.js';
import { sessionHeapScenario } from './scenarios/session-heap.js';
import { tokenValidationScenario } from './scenarios/token-validation.js';
import { readSettings } from './settings.js';
import { assertBuilt, ROOT } from './systems.js';

const SCENARIOS: Record<number, (ctx: ScenarioContext) => Promise<ScenarioResult>> = {
  1: protectedPathScenario,
  2: tokenValidationScenario,
  3: loginCpuScenario,
  4: redisCommandsScenario,
  5: sessionHeapScenario,
  6: aggregateCallScenario,
};

async function main(): Promise<void> {
  const settings = readSettings(process.env, join(ROOT, 'bench/results.json'));
  assertBuilt();
  const logDir = mkdtempSync(join(tmpdir(), 'auth-bench-'));
  const startedAt = new Date().toISOString();
  const results: ScenarioResult[] = [];
  const started = performance.now();
  const progress = (message: string) => {
    const seconds = ((performance.now() - started) / 1000).toFixed(0).padStart(4);
    process.stderr.write(`[bench ${seconds} s] ${message}\n`);
  };
  // A hung step must not hang the run: past the deadline, exit (the exit hook kills every child).
  setTimeout(() => {
    process.stderr.write(
      `bench failed: not finished after ${settings.timeoutSeconds} s (logs in ${logDir})\n`,
    );
    process.exit(1);
  }, settings.timeoutSeconds * 1000).unref();
  progress(`${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(2)}; logs in ${logDir}`);
  for (const id of [...settings.scenarios].sort()) {
    const group = new ProcessGroup(logDir, settings.runId);
    try {
      results.push(
        await SCENARIOS[id]!({
          settings,
          logDir,
          group,
          progress: (message) => progress(`scenario ${id}: ${message}`),
        }),
      );
    } catch (error) {
      throw new Error(`scenario ${id} failed (logs in ${logDir}): ${(error as Error).message}`);
    } finally {
      await group.stopAll();
    }
  }
  const rows = results.flatMap((r) => r.rows);
  process.stdout.write(`\n${renderTable(rows)}\n\n`);
  writeResults(settings.out, {
    settings: { ...settings, scenarios: [...settings.scenarios] },
    startedAt,
    finishedAt: new Date().toISOString(),
    scenarios: results,
  });
  progress(`results written to ${settings.out}`);
  if (!settings.keepLogs) rmSync(logDir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
