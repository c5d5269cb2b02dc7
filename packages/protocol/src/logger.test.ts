import { describe, expect, it } from 'vitest';
import { type Logger, silentLogger } from './logger.js';

describe('silentLogger', () => {
  it('accepts every level, returns nothing and cannot be replaced', () => {
    const logger: Logger = silentLogger;
    for (const level of ['debug', 'info', 'warn', 'error'] as const) {
      expect(logger[level]({ event: 'x' }, 'message')).toBeUndefined();
    }
    expect(Object.isFrozen(silentLogger)).toBe(true);
  });
});
