/** Exponential backoff between attempts to reach a failing backend (the first retry is free after `initialMs`). */
export class RetryBackoff {
  private failures = 0;
  private nextAttemptAt = 0;

  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until an attempt is allowed; 0 when it is. */
  waitMs(): number {
    return Math.max(0, this.nextAttemptAt - this.now());
  }

  /** Records a failed attempt: the wait doubles, up to `maxMs`. */
  failed(): void {
    const delay = Math.min(this.maxMs, this.initialMs * 2 ** this.failures);
    this.failures += 1;
    this.nextAttemptAt = this.now() + delay;
  }

  /** Records a success: the next failure waits `initialMs` again. */
  succeeded(): void {
    this.failures = 0;
    this.nextAttemptAt = 0;
  }
}
