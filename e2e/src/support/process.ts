import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root: every CLI is spawned from here, from source. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Paths of the CLIs the suites spawn (run from `src/` through the `dev-source` condition). */
export const CLI = {
  gateway: 'apps/server/src/cli.ts',
  mockIdp: 'apps/mock-idp/src/cli.ts',
} as const;

/** A spawned process with its output captured from the first byte. */
export interface RunningProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** The first capture group of the ready pattern (e.g. the URL the process printed). */
  readonly ready: string;
  /** Everything written to stdout and stderr so far, interleaved. */
  output(): string;
  /** Resolves with the exit code once the process ended (a signal gives `null`). */
  readonly exited: Promise<number | null>;
  /** Sends `signal` (default SIGTERM) and waits for the exit; SIGKILL after `timeoutMs`. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

/** Options of {@link spawnCli}. */
export interface SpawnOptions {
  name: string;
  /** Repository-relative path of a TypeScript entry point (or, with `cwd`, a path relative to it). */
  script: string;
  args: string[];
  /** Working directory; default the repository root. */
  cwd?: string;
  /** Node's own arguments before `script`; default `--conditions=dev-source --import tsx` (from source). */
  nodeArgs?: string[];
  env?: Record<string, string>;
  /** A line of stdout matching this means ready; its first group becomes `ready`. */
  readyPattern: RegExp;
  readyTimeoutMs?: number;
}

/** Every process a test file started, so one `afterAll(stopAll)` ends them even on failure. */
const started = new Set<RunningProcess>();

// Last resort when the test worker itself ends (a crash, a timeout kill): no orphan keeps a port.
process.once('exit', () => {
  for (const running of started) running.child.kill('SIGKILL');
});

/**
 * Spawns `node --conditions=dev-source --import tsx <script> …args` with cwd at the
 * repository root (unless `nodeArgs` and `cwd` say otherwise) and waits for the ready line. The environment is minimal (PATH plus
 * `env`), so no secret of the test runner leaks in and none is needed.
 */
export async function spawnCli(options: SpawnOptions): Promise<RunningProcess> {
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? ['--conditions=dev-source', '--import', 'tsx']),
      options.script,
      ...options.args,
    ],
    {
      cwd: options.cwd ?? repoRoot,
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  let stdoutText = '';
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new Error(`${options.name} not ready within ${options.readyTimeoutMs ?? 30_000} ms:\n${output}`),
      );
    }, options.readyTimeoutMs ?? 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output += text;
      stdoutText += text;
      const match = options.readyPattern.exec(stdoutText);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] ?? match[0]);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited with ${code} before it was ready:\n${output}`));
    });
  });
  const handle: RunningProcess = {
    name: options.name,
    child,
    ready: '',
    output: () => output,
    exited,
    async stop(signal = 'SIGTERM', timeoutMs = 15_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      started.delete(handle);
      return code;
    },
  };
  started.add(handle);
  try {
    (handle as { ready: string }).ready = await ready;
  } catch (error) {
    await handle.stop('SIGKILL');
    throw error;
  }
  return handle;
}

/** Stops every process this file started that is still running (for `afterAll`). */
export async function stopAll(): Promise<void> {
  await Promise.all([...started].map((running) => running.stop()));
}
