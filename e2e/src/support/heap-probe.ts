import { fileURLToPath } from 'node:url';
import type { RunningProcess } from './process.js';

/** What the probe prints: `process.memoryUsage()` of the probed process, after a full GC. */
export interface HeapReading {
  heapUsed: number;
  heapTotal: number;
  rss: number;
  external: number;
  arrayBuffers: number;
}

const PROBE = fileURLToPath(new URL('./heap-probe.mjs', import.meta.url));
const LINE = /^heap-probe (\{.*\})$/gm;

/** Environment that loads the heap probe into a spawned Node process (pass as its `env`). */
export const HEAP_PROBE_ENV = { NODE_OPTIONS: `--expose-gc --import ${PROBE}` } as const;

/**
 * Asks a process started with {@link HEAP_PROBE_ENV} for its memory after a full garbage
 * collection (SIGUSR2; no inspector), and waits for the line it prints.
 */
export async function readHeap(running: RunningProcess, timeoutMs = 10_000): Promise<HeapReading> {
  const seen = [...running.output().matchAll(LINE)].length;
  running.child.kill('SIGUSR2');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = [...running.output().matchAll(LINE)];
    if (lines.length > seen) return JSON.parse(lines[lines.length - 1]![1]!) as HeapReading;
    if (Date.now() > deadline) throw new Error(`${running.name} printed no heap reading`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
