/**
 * How an upstream call failed, told apart the way oauth4webapi does:
 * a network failure, a timeout, an unexpected HTTP status, a malformed body,
 * a proper OAuth error answer, or a response that failed validation.
 */
export type UpstreamErrorCode =
  | 'ERR_UPSTREAM_NETWORK'
  | 'ERR_UPSTREAM_TIMEOUT'
  | 'ERR_UPSTREAM_UNEXPECTED_STATUS'
  | 'ERR_UPSTREAM_MALFORMED_RESPONSE'
  | 'ERR_UPSTREAM_OAUTH_ERROR'
  | 'ERR_UPSTREAM_INVALID_RESPONSE';

/** Failure of a call to an upstream IdP. `detail` is for logs only, never for clients. */
export class UpstreamError extends Error {
  readonly code: UpstreamErrorCode;
  /** The upstream's OAuth `error` value (authorization or token response), when it sent one. */
  readonly oauthError: string | undefined;
  /** HTTP status of the upstream answer, when there was one. */
  readonly status: number | undefined;
  readonly provider: string;

  constructor(
    provider: string,
    code: UpstreamErrorCode,
    message: string,
    options: { oauthError?: string; status?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'UpstreamError';
    this.provider = provider;
    this.code = code;
    this.oauthError = options.oauthError;
    this.status = options.status;
  }

  /**
   * `denied`: the user or IdP refused (maps to `access_denied`);
   * `unavailable`: network, timeout, 5xx, 408, 429 or `temporarily_unavailable` (maps to `temporarily_unavailable`);
   * `failed`: anything else (maps to `server_error`; docs/architecture.md#chain-failures-and-optional-upstreams).
   */
  get category(): 'denied' | 'unavailable' | 'failed' {
    if (this.code === 'ERR_UPSTREAM_NETWORK' || this.code === 'ERR_UPSTREAM_TIMEOUT') return 'unavailable';
    // 5xx, and 408/429 (RFC 9110 §15.5.9, RFC 6585 §4): the IdP is busy, not refusing.
    if (this.status !== undefined && (this.status >= 500 || this.status === 408 || this.status === 429))
      return 'unavailable';
    if (this.oauthError === 'temporarily_unavailable' || this.oauthError === 'server_error')
      return 'unavailable';
    if (
      this.oauthError === 'access_denied' ||
      this.oauthError === 'login_required' ||
      this.oauthError === 'consent_required'
    )
      return 'denied';
    return 'failed';
  }

  /** For refresh: a permanent failure means the refresh token is dead (`invalid_grant` and other OAuth errors). */
  get permanent(): boolean {
    return this.category === 'failed' || this.category === 'denied';
  }
}
