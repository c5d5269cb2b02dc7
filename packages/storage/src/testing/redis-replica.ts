import { rawRedisCommand } from './redis-process.js';
import { startRedisServer, type TestRedisServer } from './redis-server.js';

/**
 * Starts a `redis-server` replicating from `master` and resolves once the master reports it
 * online (within 15 s). `replicaOfPort` is where the replica connects (default the master's
 * port; a relay in front of the master in tests that hold replication).
 */
export async function startRedisReplica(
  master: TestRedisServer,
  options: { replicaOfPort?: number } = {},
): Promise<TestRedisServer> {
  const replica = await startRedisServer({
    extraArgs: ['--replicaof', '127.0.0.1', String(options.replicaOfPort ?? master.port)],
  });
  const deadline = Date.now() + 15_000;
  while (!(await rawRedisCommand(master.port, 'INFO replication').catch(() => '')).includes('state=online')) {
    if (Date.now() > deadline) {
      await replica.stop();
      throw new Error('the replica did not come online within 15 s');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return replica;
}
