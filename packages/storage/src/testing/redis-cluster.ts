import { type ChildProcess, execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findFreePort } from './free-port.js';
import { rawRedisCommand, spawnRedisServer, stopProcess } from './redis-process.js';

const execFileAsync = promisify(execFile);

/** A local Redis Cluster started for a test. */
export interface TestRedisCluster {
  nodes: Array<{ host: string; port: number }>;
  stop(): Promise<void>;
}

/**
 * Starts three `redis-server --cluster-enabled yes` masters on loopback (config files
 * in a temp dir), joins them with `redis-cli --cluster create … --cluster-replicas 0`,
 * and waits until every node reports `cluster_state:ok`.
 */
export async function startRedisCluster(): Promise<TestRedisCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'auth-storage-cluster-'));
  const children: ChildProcess[] = [];
  const ports: number[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(children.map((child) => stopProcess(child)));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (let index = 0; index < 3; index++) {
      const port = await findFreePort({ withBusPort: true });
      children.push(
        await spawnRedisServer(
          port,
          [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            `nodes-${port}.conf`,
            '--cluster-node-timeout',
            '2000',
            '--dir',
            dir,
          ],
          dir,
        ),
      );
      ports.push(port);
    }
    await execFileAsync(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map((port) => `127.0.0.1:${port}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      { timeout: 20_000 },
    );
    const deadline = Date.now() + 20_000;
    for (const port of ports) {
      for (;;) {
        const info = await rawRedisCommand(port, 'CLUSTER INFO').catch(() => '');
        if (info.includes('cluster_state:ok')) break;
        if (Date.now() > deadline) throw new Error(`cluster node ${port} did not reach cluster_state:ok`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes: ports.map((port) => ({ host: '127.0.0.1', port })), stop };
}
