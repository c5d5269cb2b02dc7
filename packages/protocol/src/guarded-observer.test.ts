import { describe, expect, it } from 'vitest';
import { guardedObserver } from './guarded-observer.js';
import type { Logger } from './logger.js';

interface Events {
  started?(): void;
  finished?(name: string, ms: number): void;
}

function recording(): Logger & { warnings: object[] } {
  const warnings: object[] = [];
  const noop = () => {};
  return { warnings, debug: noop, info: noop, error: noop, warn: (entry) => warnings.push(entry) };
}

describe('guardedObserver', () => {
  it('calls the methods the observer has, with their arguments and `this`', () => {
    const seen: unknown[] = [];
    const observer: Events = {
      finished(name, ms) {
        seen.push([this === observer, name, ms]);
      },
    };
    const events = guardedObserver(observer, recording());
    events.finished('corp', 12);
    events.started();
    expect(seen).toEqual([[true, 'corp', 12]]);
  });

  it('does nothing without an observer', () => {
    const events = guardedObserver<Events>(undefined, recording());
    expect(() => events.started()).not.toThrow();
  });

  it('logs a throwing method and does not pass the throw on', () => {
    const logger = recording();
    const events = guardedObserver<Events>(
      {
        started() {
          throw new Error('metrics down');
        },
      },
      logger,
    );
    expect(() => events.started()).not.toThrow();
    expect(logger.warnings).toEqual([
      { event: 'observer.failed', method: 'started', err: { message: 'metrics down' } },
    ]);
  });
});
