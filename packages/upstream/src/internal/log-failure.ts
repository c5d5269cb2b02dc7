import type { Logger } from '@auth/protocol';
import { UpstreamError } from '../upstream-error.js';

/** Logs a failed upstream operation with codes only (no message text from the IdP, no token). */
export function logFailure(logger: Logger, provider: string, operation: string, error: unknown): void {
  if (error instanceof UpstreamError) {
    logger.warn(
      {
        provider,
        operation,
        code: error.code,
        category: error.category,
        ...(error.status !== undefined && { status: error.status }),
        ...(error.oauthError !== undefined && { oauthError: error.oauthError }),
      },
      error.message,
    );
  }
}
