import type { Logger } from '@auth/protocol';
import type { Cluster, Redis } from 'ioredis';
import { StorageError, StorageUnavailableError } from '../../errors.js';
import type { RecordCodec } from '../record-codec.js';
import type { RedisKeys } from './redis-keys.js';
import type { RedisScript } from './redis-script.js';

/** What every Redis port shares: the client, the key layout, the codec and the bounded command runner. */
export interface RedisContext {
  readonly client: Redis | Cluster;
  readonly keys: RedisKeys;
  readonly codec: RecordCodec;
  /** The storage's clock (epoch ms). */
  readonly now: () => number;
  /** Runs one Redis operation, bounded in time; every failure becomes `StorageUnavailableError`. */
  run<T>(operation: string, fn: () => Promise<T>): Promise<T>;
  /**
   * Defines scripts on the client (once per client: one shared by several storages has them).
   * Ports call it when they are created, before any command: an ioredis auto-pipeline only knows
   * the scripts defined when it was started.
   */
  defineScripts(...scripts: RedisScript[]): void;
  /** Runs one Lua script defined by `defineScripts` (KEYS first, then ARGV), through `run`. */
  script(script: RedisScript, ...args: Array<string | number>): Promise<unknown>;
  /**
   * As `script` for a write a session depends on. With `waitForReplicas` > 0 the script and a
   * `WAIT numreplicas timeout` go in one pipeline on the same connection (the key's node in a
   * Cluster): the write counts only once that many replicas acknowledged it, so a failover that
   * promotes one of them keeps it. Fewer within the timeout: `undo` runs (best effort) and the call
   * rejects with `StorageUnavailableError`, as when Redis is down (the caller answers 503).
   */
  durableScript(
    script: RedisScript,
    args: Array<string | number>,
    undo?: () => Promise<unknown>,
  ): Promise<unknown>;
  /** Milliseconds until `expiresAt`, or 0 when it has passed. */
  ttlUntil(expiresAt: number): number;
  /** Decodes a value read at `key` (its logical key is the associated data); `undefined` when absent. */
  decodeAt<T>(key: string, stored: unknown): T | undefined;
}

/** The context with what only the factory calls. */
export interface RedisContextControl extends RedisContext {
  /** From now on every operation rejects with `StorageUnavailableError`. */
  markClosed(): void;
}

const TIMED_OUT: unique symbol = Symbol('timed out');

type ScriptFn = (...args: Array<string | number>) => Promise<unknown>;

/** A copy of a driver error without its properties (ioredis: `command.args`); code kept for diagnosis. */
function redacted(error: Error): Error {
  const copy = new Error(error.message);
  copy.name = error.name;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') Object.assign(copy, { code });
  return copy;
}

/** Builds the shared context of one Redis storage. */
export function createRedisContext(options: {
  client: Redis | Cluster;
  keys: RedisKeys;
  codec: RecordCodec;
  logger: Logger;
  now: () => number;
  timeoutMs: number;
  /** Replicas that must acknowledge a durable write (0: no `WAIT`). */
  waitForReplicas: number;
  /** The `WAIT` timeout in ms (below `timeoutMs`). */
  waitTimeoutMs: number;
}): RedisContextControl {
  const { client, keys, codec, logger, now, timeoutMs, waitForReplicas, waitTimeoutMs } = options;
  const commands = client as unknown as Record<string, ScriptFn | undefined>;
  let closed = false;

  let lastWarningAt = Number.NEGATIVE_INFINITY;
  /**
   * A typed error for a failed operation; logged at warn at most every 5 s, at debug otherwise.
   * The driver error is kept as `cause` by name, message and code only: ioredis puts the command
   * with its arguments (token records, in clear without an encryption key) on its errors.
   */
  const unavailable = (
    operation: string,
    message: string,
    driverError?: unknown,
  ): StorageUnavailableError => {
    const cause = driverError instanceof Error ? redacted(driverError) : undefined;
    const entry = { operation, err: { message: message.slice(0, 200) } };
    const at = Date.now();
    if (at - lastWarningAt >= 5000) {
      lastWarningAt = at;
      logger.warn(entry, 'redis unavailable');
    } else {
      logger.debug(entry, 'redis unavailable');
    }
    return new StorageUnavailableError(`Redis unavailable: ${message} (${operation})`, { cause });
  };

  const run = async <T>(operation: string, fn: () => Promise<T>): Promise<T> => {
    if (closed) throw new StorageUnavailableError('the storage is closed');
    if (client.status === 'end' || client.status === 'reconnecting') {
      throw unavailable(operation, 'not connected');
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), timeoutMs);
      timer.unref();
    });
    try {
      const result = await Promise.race([fn(), timeout]);
      if (result === TIMED_OUT) throw unavailable(operation, `no answer within ${timeoutMs} ms`);
      return result;
    } catch (error) {
      if (error instanceof StorageError) throw error;
      throw unavailable(operation, 'command failed', error);
    } finally {
      clearTimeout(timer);
    }
  };

  const script = (definition: RedisScript, ...args: Array<string | number>): Promise<unknown> =>
    run(definition.name, () => (commands[definition.name] as ScriptFn).call(client, ...args));

  const durableScript = async (
    definition: RedisScript,
    args: Array<string | number>,
    undo?: () => Promise<unknown>,
  ): Promise<unknown> => {
    if (waitForReplicas === 0) return script(definition, ...args);
    const { written, acknowledged } = await run(definition.name, async () => {
      const pipeline = client.pipeline();
      const queue = (pipeline as unknown as Record<string, ScriptFn | undefined>)[definition.name];
      if (typeof queue !== 'function') throw new Error(`script ${definition.name} is not defined`);
      queue.call(pipeline, ...args);
      pipeline.call('WAIT', waitForReplicas, waitTimeoutMs);
      const replies = await pipeline.exec();
      const [write, wait] = replies ?? [];
      if (write === undefined || wait === undefined) throw new Error('no reply to the pipeline');
      if (write[0] !== null) throw write[0];
      if (wait[0] !== null) throw wait[0];
      return { written: write[1], acknowledged: Number(wait[1]) };
    });
    if (acknowledged >= waitForReplicas) return written;
    try {
      await undo?.();
    } catch {
      // Best effort: what stays behind was never confirmed to the caller (see the storage README).
    }
    throw unavailable(
      definition.name,
      `${acknowledged} of ${waitForReplicas} replicas acknowledged the write within ${waitTimeoutMs} ms`,
    );
  };

  return {
    client,
    keys,
    codec,
    now,
    run,
    script,
    durableScript,
    defineScripts(...scripts) {
      for (const script of scripts) {
        if (typeof commands[script.name] !== 'function') {
          client.defineCommand(script.name, { lua: script.lua, numberOfKeys: script.numberOfKeys });
        }
      }
    },
    ttlUntil: (expiresAt) => Math.max(0, Math.ceil(expiresAt - now())),
    decodeAt: <T>(key: string, stored: unknown): T | undefined =>
      typeof stored === 'string' ? codec.decode<T>(stored, keys.logical(key)) : undefined,
    markClosed() {
      closed = true;
    },
  };
}
