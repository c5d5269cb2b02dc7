import { Redis } from 'ioredis';

/** Commands executed, by name (`get`, `evalsha`, …). */
export type CommandCounts = Record<string, number>;

/** The bench's own commands, left out of every count. */
const OWN = new Set(['info', 'config|resetstat', 'config', 'hello', 'client|setinfo', 'client']);

/**
 * Counts the commands Redis executes, from `INFO commandstats` (the server's own counters),
 * so nothing about the client's calls is assumed. Scripts count as one command (`evalsha`).
 */
export class RedisCommandCounter {
  readonly #client: Redis;

  constructor(url: string) {
    this.#client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  }

  /** Every command counter so far. */
  async snapshot(): Promise<CommandCounts> {
    const info = (await this.#client.call('INFO', 'commandstats')) as string;
    const counts: CommandCounts = {};
    for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
      if (!OWN.has(match[1]!)) counts[match[1]!] = Number(match[2]);
    }
    return counts;
  }

  /** The commands executed while `work` ran. Nothing else may use this Redis meanwhile. */
  async during(work: () => Promise<unknown>): Promise<CommandCounts> {
    const before = await this.snapshot();
    await work();
    return difference(await this.snapshot(), before);
  }

  close(): Promise<void> {
    return this.#client.quit().then(() => undefined);
  }
}

/** `after - before`, command by command, zeros left out. */
export function difference(after: CommandCounts, before: CommandCounts): CommandCounts {
  const delta: CommandCounts = {};
  for (const [name, calls] of Object.entries(after)) {
    const n = calls - (before[name] ?? 0);
    if (n > 0) delta[name] = n;
  }
  return delta;
}

/** Total of a count. */
export function total(counts: CommandCounts): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}
