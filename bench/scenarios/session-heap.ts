import { join } from 'node:path';
import type { Row, ScenarioResult } from '../report.js';
import { ROOT } from '../systems.js';
import type { ScenarioContext } from './context.js';

interface HeapResult {
  sessions: number;
  heapBytesPerSession: number;
  externalBytesPerSession: number;
  payloadCharsPerSession: number;
}

/**
 * Scenario 5: heap bytes per stored session (a completed two-upstream login) in the memory
 * backend at `BENCH_SESSIONS` sessions, measured in a child process of its own with forced GC.
 */
export async function sessionHeapScenario(ctx: ScenarioContext): Promise<ScenarioResult> {
  const { sessions } = ctx.settings;
  ctx.progress(`storing ${sessions} sessions in the memory backend`);
  const probe = await ctx.group.start({
    name: 'session-heap',
    command: process.execPath,
    args: ['--expose-gc', '--import', 'tsx', join(ROOT, 'bench/probes/session-heap.ts'), String(sessions)],
    ready: /session-heap result (.+)/,
    readyTimeoutMs: 300_000,
  });
  const result = JSON.parse(probe.ready) as HeapResult;
  const rows: Row[] = [
    {
      scenario: 5,
      measure: `heap bytes per stored session (2 upstreams), ${sessions} sessions, memory`,
      ours: `${Math.round(result.heapBytesPerSession)} B`,
      reference: `${Math.round(result.payloadCharsPerSession)} chars of ids and tokens stored`,
      ratio: (result.heapBytesPerSession / result.payloadCharsPerSession).toFixed(2),
    },
  ];
  return { id: 5, title: 'heap bytes per stored session (memory backend)', rows, data: result };
}
