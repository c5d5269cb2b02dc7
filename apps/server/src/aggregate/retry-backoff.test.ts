import { describe, expect, it } from 'vitest';
import { RetryBackoff } from './retry-backoff.js';

describe('RetryBackoff', () => {
  it('allows an attempt at once, then waits twice as long after each failure, up to the bound', () => {
    let now = 1_000;
    const backoff = new RetryBackoff(500, 2_000, () => now);
    expect(backoff.waitMs()).toBe(0);
    const waits: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      backoff.failed();
      waits.push(backoff.waitMs());
    }
    expect(waits).toEqual([500, 1_000, 2_000, 2_000, 2_000]);
    now += 1_500;
    expect(backoff.waitMs()).toBe(500);
    backoff.succeeded();
    expect(backoff.waitMs()).toBe(0);
    backoff.failed();
    expect(backoff.waitMs()).toBe(500);
  });
});
