import type { Logger } from '@auth/protocol';
import { ExpiringMap } from '../expiring-map.js';

/** What every memory port shares: the clock, the maps swept and emptied together. */
export interface MemoryContext {
  readonly now: () => number;
  /** Writes also sweep a few expired entries of every map, so memory is reclaimed without the timer. */
  beforeWrite(): void;
  /**
   * An expiring map swept by the timer and by writes, emptied by `close()`. With `bound`, the
   * first eviction by the size bound logs one warning naming the bound.
   */
  expiringMap<K, V>(options?: {
    bound?: { name: string; max: number };
    onRemove?: (key: K, value: V) => void;
  }): ExpiringMap<K, V>;
  /** Something else (a plain map or index) to empty on `close()`. */
  onClear(clear: () => void): void;
}

/** The context with the operations only the factory calls. */
export interface MemoryContextControl extends MemoryContext {
  /** Removes up to `limit` expired entries of every map. */
  sweep(limit: number): void;
  /** Empties every map and index. */
  clear(): void;
}

/** Builds the shared context of one memory storage. */
export function createMemoryContext(now: () => number, logger: Logger): MemoryContextControl {
  const maps: Array<{ sweep(limit: number): number; clear(): void }> = [];
  const clears: Array<() => void> = [];
  const warnedBounds = new Set<string>();
  const sweep = (limit: number): void => {
    for (const map of maps) map.sweep(limit);
  };
  return {
    now,
    beforeWrite: () => sweep(16),
    expiringMap<K, V>(
      options: { bound?: { name: string; max: number }; onRemove?: (key: K, value: V) => void } = {},
    ): ExpiringMap<K, V> {
      const { bound, onRemove } = options;
      const map = new ExpiringMap<K, V>({
        now,
        ...(bound === undefined ? {} : { maxSize: bound.max }),
        onRemove: (key, value, reason) => {
          onRemove?.(key, value);
          if (bound === undefined || reason !== 'evicted' || warnedBounds.has(bound.name)) return;
          warnedBounds.add(bound.name);
          logger.warn(
            { storage: 'memory', bound: bound.name, max: bound.max },
            'memory storage bound reached; evicting the oldest entries',
          );
        },
      });
      maps.push(map);
      return map;
    },
    onClear: (clear) => {
      clears.push(clear);
    },
    sweep,
    clear() {
      for (const map of maps) map.clear();
      for (const clear of clears) clear();
    },
  };
}

/** A deep copy: callers never share a stored object. */
export const clone = <T>(value: T): T => structuredClone(value);
