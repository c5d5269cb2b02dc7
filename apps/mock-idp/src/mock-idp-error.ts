/** What went wrong, as a literal union (jose style). */
export type MockIdpErrorCode = 'invalid_faults' | 'listen_failed';

/** A typed error of the mock IdP: a bad faults body, or a failed start (bad options: `MockIdpOptionsError`). */
export class MockIdpError extends Error {
  readonly code: MockIdpErrorCode;

  constructor(code: MockIdpErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MockIdpError';
    this.code = code;
  }
}
