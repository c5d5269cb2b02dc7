import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from './free-port.js';
import { spawnRedis, stopProcess } from './redis-process.js';

/** A Redis Sentinel started for a test. */
export interface TestRedisSentinel {
  host: string;
  port: number;
  /** The master group name it monitors. */
  name: string;
  stop(): Promise<void>;
}

/**
 * Starts one `redis-server --sentinel` on loopback monitoring the master at
 * `127.0.0.1:<masterPort>` (quorum 1, fast timeouts), with its config in a temp dir.
 */
export async function startRedisSentinel(options: {
  masterPort: number;
  name?: string;
}): Promise<TestRedisSentinel> {
  const name = options.name ?? 'mymaster';
  const dir = await mkdtemp(join(tmpdir(), 'auth-storage-sentinel-'));
  const port = await findFreePort();
  const config = join(dir, 'sentinel.conf');
  await writeFile(
    config,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      `sentinel monitor ${name} 127.0.0.1 ${options.masterPort} 1`,
      `sentinel down-after-milliseconds ${name} 1000`,
      `sentinel failover-timeout ${name} 5000`,
      '',
    ].join('\n'),
  );
  try {
    const child = await spawnRedis(port, [config, '--sentinel'], dir);
    return {
      host: '127.0.0.1',
      port,
      name,
      async stop() {
        await stopProcess(child);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
