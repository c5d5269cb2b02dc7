import type { Logger } from '@auth/protocol';
import { recordingLogger } from '@auth/test-kit';
import { expect } from 'vitest';
import { UpstreamError } from '../upstream-error.js';
import { rejectionOf } from './rejection-of.js';

/**
 * Collects every `UpstreamError` and log line of a test file, so a final test can prove
 * that none of them carries a token, code or secret.
 */
export function failureCollector(): {
  logger: Logger;
  /** Expects the promise to reject with an `UpstreamError`, records and returns it. */
  upstreamFailure(promise: Promise<unknown>): Promise<UpstreamError>;
  /** Asserts that no recorded error (message, JSON, cause, stack) or log line contains any of `secrets`. */
  expectNothingLeaked(secrets: string[], minimumErrors: number): void;
} {
  const logger = recordingLogger();
  const errors: UpstreamError[] = [];
  return {
    logger,
    async upstreamFailure(promise) {
      const error = await rejectionOf(promise);
      expect(error).toBeInstanceOf(UpstreamError);
      errors.push(error as UpstreamError);
      return error as UpstreamError;
    },
    expectNothingLeaked(secrets, minimumErrors) {
      expect(errors.length).toBeGreaterThanOrEqual(minimumErrors);
      expect(logger.lines.length).toBeGreaterThan(0);
      const texts = [
        ...errors.map((e) => `${e.message} ${JSON.stringify(e)} ${String(e.cause)} ${e.stack ?? ''}`),
        ...logger.lines,
      ];
      for (const text of texts) {
        for (const secret of secrets) expect(text).not.toContain(secret);
      }
    },
  };
}
