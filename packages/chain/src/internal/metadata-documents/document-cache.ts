/** Entries kept at most; the oldest goes first. */
const MAX_ENTRIES = 1000;

/**
 * Validated client metadata documents by URL, each until its own expiry (epoch ms). Only
 * valid documents are put here: errors and invalid documents are never cached
 * (draft-ietf-oauth-client-id-metadata-document §4.4). Concurrent misses of one URL share one fetch.
 */
export class DocumentCache<T> {
  readonly #entries = new Map<string, { value: T; expiresAt: number }>();
  readonly #inFlight = new Map<string, Promise<T>>();

  constructor(private readonly now: () => number) {}

  /** The cached value while fresh, else `load()` (shared by concurrent callers), cached until its expiry. */
  async get(key: string, load: () => Promise<{ value: T; expiresAt: number }>): Promise<T> {
    const entry = this.#entries.get(key);
    if (entry !== undefined && entry.expiresAt > this.now()) return entry.value;
    if (entry !== undefined) this.#entries.delete(key);
    const pending = this.#inFlight.get(key);
    if (pending !== undefined) return pending;
    const loading = load()
      .then(({ value, expiresAt }) => {
        if (expiresAt > this.now()) {
          if (this.#entries.size >= MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
          this.#entries.set(key, { value, expiresAt });
        }
        return value;
      })
      .finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, loading);
    return loading;
  }

  clear(): void {
    this.#entries.clear();
  }
}
