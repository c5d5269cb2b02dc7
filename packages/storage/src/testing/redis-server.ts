import type { ChildProcess } from 'node:child_process';
import { findFreePort } from './free-port.js';
import { spawnRedisServer, stopProcess } from './redis-process.js';

/** A `redis-server` started for a test. */
export interface TestRedisServer {
  url: string;
  host: string;
  port: number;
  /** Kills the server (data is lost: no persistence). */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
}

/**
 * Spawns `redis-server --port <free> --save '' --appendonly no` on 127.0.0.1 and waits
 * until it answers PING. `extraArgs` are appended to the command line.
 */
export async function startRedisServer(options: { extraArgs?: string[] } = {}): Promise<TestRedisServer> {
  const extraArgs = options.extraArgs ?? [];
  let port = 0;
  let child: ChildProcess | undefined;
  for (let attempt = 0; child === undefined; attempt++) {
    port = await findFreePort();
    try {
      child = await spawnRedisServer(port, extraArgs);
    } catch (error) {
      if (attempt >= 2) throw error; // the port was taken between the probe and the start
    }
  }
  const host = '127.0.0.1';
  return {
    url: `redis://${host}:${port}`,
    host,
    port,
    async stop() {
      if (child !== undefined) await stopProcess(child);
      child = undefined;
    },
    async restart() {
      if (child !== undefined) await stopProcess(child);
      child = await spawnRedisServer(port, extraArgs);
    },
  };
}
