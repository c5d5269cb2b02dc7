import type { OAuthErrorCode } from '@auth/protocol';

export type { OAuthErrorCode } from '@auth/protocol';

/** Plain HTTP errors the server answers in the same JSON shape; not OAuth codes. */
export type HttpErrorCode = 'not_found' | 'method_not_allowed' | 'too_many_requests';

// RFC 6749 §5.2: 400, `invalid_client` 401; RFC 6750 §3.1: 401 / 403 for the Bearer codes.
const DEFAULT_STATUS: Record<OAuthErrorCode | HttpErrorCode, number> = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  unsupported_response_type: 400,
  unsupported_token_type: 400,
  invalid_scope: 400,
  invalid_target: 400,
  access_denied: 403,
  server_error: 500,
  temporarily_unavailable: 503,
  invalid_token: 401,
  insufficient_scope: 403,
  invalid_redirect_uri: 400,
  invalid_client_metadata: 400,
  invalid_software_statement: 400,
  unapproved_software_statement: 400,
  interaction_required: 400,
  login_required: 400,
  account_selection_required: 400,
  consent_required: 400,
  invalid_request_uri: 400,
  invalid_request_object: 400,
  request_not_supported: 400,
  request_uri_not_supported: 400,
  registration_not_supported: 400,
  not_found: 404,
  method_not_allowed: 405,
  // RFC 6585 §4.
  too_many_requests: 429,
};

export interface OAuthErrorOptions {
  /** HTTP status; defaults by `error` (RFC 6749 §5.2: 400, `invalid_client` 401). */
  status?: number;
  /** May be reported by redirect to the client (authorization endpoint only, after the redirect URI was validated). */
  redirectable?: boolean;
  /** Internal detail: logged, never sent to the client. */
  detail?: string;
  /** A `WWW-Authenticate` challenge to send (e.g. `Basic` for RFC 6749 §5.2 `invalid_client`). */
  wwwAuthenticate?: string;
  /** RFC 9110 §10.2.3 `Retry-After`, in seconds (a 429 or 503). */
  retryAfterSeconds?: number;
  /** The abuse limit that refused the request (`too_many_requests`), named in the body as `limit`. */
  limit?: string;
  cause?: unknown;
}

/**
 * An OAuth protocol error. `errorDescription` is public (sent to the client);
 * `detail` is only logged. One error middleware maps it to an RFC 6749 §5.2 body.
 */
export class OAuthError extends Error {
  readonly error: OAuthErrorCode | HttpErrorCode;
  readonly errorDescription: string;
  readonly status: number;
  readonly redirectable: boolean;
  readonly detail: string | undefined;
  readonly wwwAuthenticate: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly limit: string | undefined;

  constructor(
    error: OAuthErrorCode | HttpErrorCode,
    errorDescription: string,
    options: OAuthErrorOptions = {},
  ) {
    super(`${error}: ${errorDescription}`, { cause: options.cause });
    this.name = 'OAuthError';
    this.error = error;
    this.errorDescription = errorDescription;
    this.status = options.status ?? DEFAULT_STATUS[error];
    this.redirectable = options.redirectable ?? false;
    this.detail = options.detail;
    this.wwwAuthenticate = options.wwwAuthenticate;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.limit = options.limit;
  }

  /** The RFC 6749 §5.2 JSON body (and the refusing limit's name for a 429). */
  toJSON(): { error: OAuthErrorCode | HttpErrorCode; error_description: string; limit?: string } {
    return {
      error: this.error,
      error_description: this.errorDescription,
      ...(this.limit === undefined ? {} : { limit: this.limit }),
    };
  }
}
