import { MinHeap } from './min-heap.js';

interface Entry<V> {
  value: V;
  expiresAt: number | undefined;
}

interface HeapItem<K, V> {
  at: number;
  key: K;
  entry: Entry<V>;
}

/** Options of an `ExpiringMap`. */
export interface ExpiringMapOptions<K, V> {
  now: () => number;
  /** Oldest entries (by insertion) are evicted once this size is reached. */
  maxSize?: number;
  /** Called for every entry removed by expiry or by the size bound. */
  onRemove?: (key: K, value: V, reason: 'expired' | 'evicted') => void;
}

/**
 * A map whose entries expire: lazily on read, and through `sweep`, which pops only
 * already-expired items off a min-heap ordered by expiry (never scanning every entry).
 * Insertion order doubles as age for the size bound.
 */
export class ExpiringMap<K, V> {
  readonly #entries = new Map<K, Entry<V>>();
  readonly #heap = new MinHeap<HeapItem<K, V>>((a, b) => a.at - b.at);
  readonly #options: ExpiringMapOptions<K, V>;

  constructor(options: ExpiringMapOptions<K, V>) {
    this.#options = options;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Live value, or `undefined` (an expired entry is removed on the way). */
  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= this.#options.now()) {
      this.#remove(key, entry, 'expired');
      return undefined;
    }
    return entry.value;
  }

  /** Inserts or replaces; a replaced entry counts as new for the size bound. */
  set(key: K, value: V, expiresAt: number | undefined): void {
    this.#entries.delete(key);
    const maxSize = this.#options.maxSize;
    if (maxSize !== undefined) {
      // Expired entries go first (off the heap), so the bound never evicts a live entry while dead ones hold space.
      if (this.#entries.size >= maxSize) this.sweep(Number.POSITIVE_INFINITY);
      while (this.#entries.size >= maxSize) {
        const oldest = this.#entries.entries().next();
        if (oldest.done) break;
        this.#remove(oldest.value[0], oldest.value[1], 'evicted');
      }
    }
    const entry: Entry<V> = { value, expiresAt };
    this.#entries.set(key, entry);
    if (expiresAt !== undefined) {
      this.#heap.push({ at: expiresAt, key, entry });
      this.#compact();
    }
  }

  /**
   * Makes a live entry expire at `until` unless it already expires later; an entry without expiry
   * gets this one. Returns whether the entry was there. The entry counts as new for the size bound.
   */
  extend(key: K, until: number): boolean {
    const entry = this.#entries.get(key);
    if (entry === undefined || this.get(key) === undefined) return false;
    if (entry.expiresAt === undefined || entry.expiresAt < until) this.set(key, entry.value, until);
    return true;
  }

  delete(key: K): boolean {
    return this.#entries.delete(key);
  }

  /** Removes up to `limit` expired entries, cheapest first; returns how many were removed. */
  sweep(limit: number): number {
    const now = this.#options.now();
    let removed = 0;
    while (removed < limit) {
      const top = this.#heap.peek();
      if (top === undefined || top.at > now) break;
      this.#heap.pop();
      if (this.#entries.get(top.key) === top.entry) {
        this.#remove(top.key, top.entry, 'expired');
        removed++;
      }
    }
    return removed;
  }

  clear(): void {
    this.#entries.clear();
    this.#heap.clear();
  }

  #remove(key: K, entry: Entry<V>, reason: 'expired' | 'evicted'): void {
    this.#entries.delete(key);
    this.#options.onRemove?.(key, entry.value, reason);
  }

  /** Drops heap items of replaced or deleted entries once they outnumber the live ones. */
  #compact(): void {
    if (this.#heap.size <= 2 * this.#entries.size + 1024) return;
    const live = this.#heap.drain().filter((item) => this.#entries.get(item.key) === item.entry);
    for (const item of live) this.#heap.push(item);
  }
}
