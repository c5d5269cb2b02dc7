import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExpiringMap } from './expiring-map.js';

type Op =
  | { kind: 'set'; key: number; ttl: number | undefined }
  | { kind: 'delete'; key: number }
  | { kind: 'tick'; ms: number }
  | { kind: 'sweep'; limit: number }
  | { kind: 'get'; key: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('set' as const),
    key: fc.integer({ min: 0, max: 6 }),
    ttl: fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }),
  }),
  fc.record({ kind: fc.constant('delete' as const), key: fc.integer({ min: 0, max: 6 }) }),
  fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 30 }) }),
  fc.record({ kind: fc.constant('sweep' as const), limit: fc.integer({ min: 1, max: 5 }) }),
  fc.record({ kind: fc.constant('get' as const), key: fc.integer({ min: 0, max: 6 }) }),
);

describe('ExpiringMap', () => {
  it('behaves like a naive map with expiry and an oldest-first size bound (property)', () => {
    fc.assert(
      fc.property(
        fc.array(op, { minLength: 10, maxLength: 80 }),
        fc.integer({ min: 1, max: 4 }),
        (ops, maxSize) => {
          let now = 0;
          const map = new ExpiringMap<number, string>({ now: () => now, maxSize });
          // model: insertion-ordered entries; expired ones are invisible
          let model: Array<{ key: number; value: string; expiresAt: number | undefined }> = [];
          const live = () => model.filter((entry) => entry.expiresAt === undefined || entry.expiresAt > now);
          ops.forEach((step, index) => {
            if (step.kind === 'set') {
              // The bound evicts only live entries: expired ones are reclaimed first.
              model = live().filter((entry) => entry.key !== step.key);
              while (model.length >= maxSize) model.shift();
              const expiresAt = step.ttl === undefined ? undefined : now + step.ttl;
              model.push({ key: step.key, value: `v${index}`, expiresAt });
              map.set(step.key, `v${index}`, expiresAt);
            } else if (step.kind === 'delete') {
              model = model.filter((entry) => entry.key !== step.key);
              map.delete(step.key);
            } else if (step.kind === 'tick') {
              now += step.ms;
            } else if (step.kind === 'sweep') {
              map.sweep(step.limit);
            } else {
              // Reads expire lazily, so they are steps of their own, not checks after every step.
              expect(map.get(step.key)).toBe(live().find((entry) => entry.key === step.key)?.value);
            }
          });
          for (let key = 0; key <= 6; key++) {
            expect(map.get(key)).toBe(live().find((entry) => entry.key === key)?.value);
          }
        },
      ),
      {
        numRuns: 300,
        // Regression: the bound evicted a live entry while an expired one still held space.
        examples: [
          [
            [
              { kind: 'set', key: 1, ttl: undefined },
              { kind: 'set', key: 2, ttl: 5 },
              { kind: 'tick', ms: 10 },
              { kind: 'set', key: 3, ttl: undefined },
              { kind: 'get', key: 1 },
            ],
            2,
          ],
        ],
      },
    );
  });

  it('sweep removes only expired entries, soonest first, at most `limit` of them', () => {
    let now = 0;
    const removed: number[] = [];
    const map = new ExpiringMap<number, string>({ now: () => now, onRemove: (key) => removed.push(key) });
    for (let key = 0; key < 10; key++) map.set(key, 'v', 100 - key * 10);
    map.set(99, 'forever', undefined);
    now = 55; // keys 5..9 expired (at 50, 40, 30, 20, 10)
    expect(map.sweep(3)).toBe(3);
    expect(removed).toEqual([9, 8, 7]);
    expect(map.sweep(100)).toBe(2);
    expect(removed).toEqual([9, 8, 7, 6, 5]);
    expect(map.size).toBe(6);
  });
});
