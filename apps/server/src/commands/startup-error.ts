/** Why `serve` did not become ready. */
export type StartupFailure =
  | 'config_invalid'
  | 'storage_unreachable'
  | 'upstream_unreachable'
  | 'address_in_use'
  | 'listen_failed'
  | 'timeout';

/**
 * `serve` could not start: the CLI logs it as one JSON line (`event: startup.failed`, `reason` =
 * {@link code}) and exits 1. `details` are extra log fields: never a secret or a token.
 */
export class StartupError extends Error {
  override readonly name = 'StartupError';
  constructor(
    readonly code: StartupFailure,
    message: string,
    readonly details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
