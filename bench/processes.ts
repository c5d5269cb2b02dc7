import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** How to start one system under test and tell that it is ready. */
export interface ProcessSpec {
  /** Unique within a run; names the log files. */
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  /** Matched against what the process prints on stdout; the first capture group is returned. */
  ready: RegExp;
  readyTimeoutMs?: number;
}

/** A started process. */
export interface RunningProcess {
  name: string;
  pid: number;
  /** The first capture group of `ready` (a URL, for servers). */
  ready: string;
  /** SIGTERM, then SIGKILL after 3 s; resolves once it has exited. */
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
let hooksInstalled = false;

/**
 * Kills every child still running when the bench exits, however it exits: normally, on an
 * uncaught error, or on SIGINT/SIGTERM (e.g. a test runner's timeout).
 */
function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const child of live) child.kill('SIGKILL');
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (exited(child)) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * The processes of one scenario. Each child writes stdout and stderr to files in `logDir`
 * (the gateway's access log included), so the bench never has to drain a pipe under load.
 */
export class ProcessGroup {
  readonly #logDir: string;
  readonly #runId: string;
  readonly #children: ChildProcess[] = [];
  readonly #adopted: Array<() => Promise<void>> = [];
  #stopped = false;

  /** `runId` is put in every child's environment as `BENCH_RUN_ID`. */
  constructor(logDir: string, runId: string) {
    this.#logDir = logDir;
    this.#runId = runId;
    installExitHooks();
  }

  /** Spawns the process and waits for its ready line; rejects (with its stderr) if it exits or times out. */
  async start(spec: ProcessSpec): Promise<RunningProcess> {
    // A start still in flight when the group stopped (a sibling failed) must not leave a process.
    if (this.#stopped) throw new Error(`${spec.name} not started: the scenario is over`);
    const outFile = join(this.#logDir, `${spec.name}.out.log`);
    const errFile = join(this.#logDir, `${spec.name}.err.log`);
    const out = openSync(outFile, 'w');
    const err = openSync(errFile, 'w');
    const child = spawn(spec.command, spec.args, {
      stdio: ['ignore', out, err],
      env: { ...process.env, ...spec.env, BENCH_RUN_ID: this.#runId },
    });
    closeSync(out);
    closeSync(err);
    live.add(child);
    this.#children.push(child);
    child.once('exit', () => live.delete(child));
    const failure = (why: string) =>
      new Error(`${spec.name} ${why}\n${tail(errFile) || tail(outFile) || '(no output)'}`);

    const deadline = Date.now() + (spec.readyTimeoutMs ?? 20_000);
    for (;;) {
      const match = spec.ready.exec(tail(outFile, 200));
      if (match) {
        return {
          name: spec.name,
          pid: child.pid!,
          ready: match[1] ?? match[0],
          stop: () => stopChild(child),
        };
      }
      if (exited(child)) throw failure(`exited (${child.exitCode ?? child.signalCode}) before it was ready`);
      if (this.#stopped) {
        await stopChild(child);
        throw failure('stopped: the scenario is over');
      }
      if (Date.now() > deadline) {
        await stopChild(child);
        throw failure('was not ready in time');
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Makes `stop` part of {@link stopAll}, for processes started by other means (redis-server). */
  adopt(stop: () => Promise<void>): void {
    if (this.#stopped) void stop();
    else this.#adopted.push(stop);
  }

  /** Stops every process of the group. */
  async stopAll(): Promise<void> {
    this.#stopped = true;
    await Promise.all([...this.#children.map(stopChild), ...this.#adopted.map((stop) => stop())]);
  }
}
