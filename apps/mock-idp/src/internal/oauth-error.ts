/** An OAuth error answer (RFC 6749 §5.2); `error_description` is public and never holds a secret. */
export class OAuthError extends Error {
  readonly error: string;
  readonly status: number;
  /** Set by a fault: the `error` is sent verbatim, never mapped to GitHub's codes. */
  readonly injected: boolean;

  constructor(error: string, description: string, status = 400, injected = false) {
    super(description);
    this.name = 'OAuthError';
    this.error = error;
    this.status = status;
    this.injected = injected;
  }
}
