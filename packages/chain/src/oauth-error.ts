/**
 * OAuth error codes the server answers with: RFC 6749 §4.1.2.1 and §5.2, RFC 6750 §3.1,
 * RFC 7591 §3.2.2, RFC 7009 §2.2.1, RFC 8707 §2 and OIDC Core §3.1.2.6.
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'unsupported_token_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'access_denied'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'invalid_redirect_uri'
  | 'invalid_client_metadata'
  | 'login_required'
  | 'request_not_supported'
  | 'request_uri_not_supported'
  | 'not_found'
  | 'method_not_allowed';

const DEFAULT_STATUS: Record<OAuthErrorCode, number> = {
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
  login_required: 400,
  request_not_supported: 400,
  request_uri_not_supported: 400,
  not_found: 404,
  method_not_allowed: 405,
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
  cause?: unknown;
}

/**
 * An OAuth protocol error. `errorDescription` is public (sent to the client);
 * `detail` is only logged. One error middleware maps it to an RFC 6749 §5.2 body.
 */
export class OAuthError extends Error {
  readonly error: OAuthErrorCode;
  readonly errorDescription: string;
  readonly status: number;
  readonly redirectable: boolean;
  readonly detail: string | undefined;
  readonly wwwAuthenticate: string | undefined;

  constructor(error: OAuthErrorCode, errorDescription: string, options: OAuthErrorOptions = {}) {
    super(`${error}: ${errorDescription}`, { cause: options.cause });
    this.name = 'OAuthError';
    this.error = error;
    this.errorDescription = errorDescription;
    this.status = options.status ?? DEFAULT_STATUS[error];
    this.redirectable = options.redirectable ?? false;
    this.detail = options.detail;
    this.wwwAuthenticate = options.wwwAuthenticate;
  }

  /** The RFC 6749 §5.2 JSON body. */
  toJSON(): { error: OAuthErrorCode; error_description: string } {
    return { error: this.error, error_description: this.errorDescription };
  }
}
