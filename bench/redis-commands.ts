import { Redis } from 'ioredis';

/** Commands executed, by name (`get`, `evalsha`, …). */
export type CommandCounts = Record<string, number>;

/**
 * What Redis executed: `sent` are the commands clients sent (an `EVALSHA` is one), `inScripts`
 * the commands those scripts ran inside Redis (they cost no round trip).
 */
export interface Counts {
  sent: CommandCounts;
  inScripts: CommandCounts;
}

/** The bench's own commands, left out of every count, and the connection handshake of a client. */
const OWN = new Set(['info', 'config', 'hello', 'client', 'echo', 'monitor', 'select', 'quit']);
const MARKER = 'bench-redis-counter-marker';

/**
 * Counts the commands Redis executes, from `MONITOR` (the server's own feed of every command,
 * which tells a command a client sent from one a script ran), so nothing about the client's
 * calls is assumed. Nothing else may use this Redis while it counts.
 */
export class RedisCommandCounter {
  readonly #url: string;
  readonly #control: Redis;
  #monitor: Redis | undefined;
  readonly #counts: Counts = { sent: {}, inScripts: {} };
  #markers = 0;
  #waiting = new Map<string, () => void>();

  constructor(url: string) {
    this.#url = url;
    this.#control = new Redis(url, { maxRetriesPerRequest: 1 });
  }

  async #start(): Promise<void> {
    if (this.#monitor !== undefined) return;
    const client = new Redis(this.#url, { maxRetriesPerRequest: 1 });
    this.#monitor = await client.monitor();
    client.disconnect();
    this.#monitor.on('monitor', (_time: string, args: string[], source: string) => {
      const name = String(args[0] ?? '').toLowerCase();
      if (name === 'echo' && this.#waiting.has(String(args[1]))) {
        this.#waiting.get(String(args[1]))!();
        this.#waiting.delete(String(args[1]));
        return;
      }
      if (OWN.has(name)) return;
      const into = source === 'lua' ? this.#counts.inScripts : this.#counts.sent;
      into[name] = (into[name] ?? 0) + 1;
    });
  }

  /** Every counter so far, once Redis has reported every command executed before this call. */
  async snapshot(): Promise<Counts> {
    await this.#start();
    this.#markers += 1;
    const marker = `${MARKER}-${this.#markers}`;
    const seen = new Promise<void>((resolve) => this.#waiting.set(marker, resolve));
    await this.#control.echo(marker);
    await seen;
    return { sent: { ...this.#counts.sent }, inScripts: { ...this.#counts.inScripts } };
  }

  /** The commands executed while `work` ran. */
  async during(work: () => Promise<unknown>): Promise<Counts> {
    const before = await this.snapshot();
    await work();
    return difference(await this.snapshot(), before);
  }

  async close(): Promise<void> {
    this.#monitor?.disconnect();
    await this.#control.quit();
  }
}

function subtract(after: CommandCounts, before: CommandCounts): CommandCounts {
  const delta: CommandCounts = {};
  for (const [name, calls] of Object.entries(after)) {
    const n = calls - (before[name] ?? 0);
    if (n > 0) delta[name] = n;
  }
  return delta;
}

/** `after - before`, command by command, zeros left out. */
export function difference(after: Counts, before: Counts): Counts {
  return { sent: subtract(after.sent, before.sent), inScripts: subtract(after.inScripts, before.inScripts) };
}

/** Total of a count. */
export function total(counts: CommandCounts): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}
