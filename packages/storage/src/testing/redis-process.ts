import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';

/** Sends one inline command over a fresh connection and returns the raw reply. */
export function rawRedisCommand(port: number, command: string, timeoutMs = 1000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let data = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('timeout'));
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${command}\r\n`));
    socket.on('data', (chunk: string) => {
      data += chunk;
      if (data.endsWith('\r\n')) {
        clearTimeout(timer);
        socket.end();
        resolve(data);
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Starts `redis-server` with `args` and resolves once it answers PING; rejects if it exits first. */
export function spawnRedisServer(port: number, args: string[], cwd?: string): Promise<ChildProcess> {
  return spawnRedis(
    port,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...args],
    cwd,
  );
}

/** Starts `redis-server <argv>` and resolves once `port` answers PING; rejects if it exits first. */
export async function spawnRedis(port: number, argv: string[], cwd?: string): Promise<ChildProcess> {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const child of live) child.kill('SIGKILL');
    });
  }
  const child = spawn('redis-server', argv, {
    stdio: ['ignore', 'ignore', 'ignore'],
    ...(cwd === undefined ? {} : { cwd }),
  });
  live.add(child);
  let exited = false;
  child.once('exit', () => {
    exited = true;
    live.delete(child);
  });
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`redis-server on port ${port} exited during start-up`);
    try {
      if ((await rawRedisCommand(port, 'PING', 500)).startsWith('+PONG')) return child;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  await stopProcess(child);
  throw new Error(`redis-server on port ${port} did not answer within 10 s`);
}

/** SIGTERM, then SIGKILL after two seconds; resolves once the process has exited. */
export function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
