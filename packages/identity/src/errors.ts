import { type OAuthErrorCode, OptionsError } from '@auth/protocol';

/** Literal codes of every rejection the identity middleware can give. */
export type IdentityErrorCode =
  | 'ERR_IDENTITY_MISSING_TOKEN'
  | 'ERR_IDENTITY_INVALID_REQUEST'
  | 'ERR_IDENTITY_TOKEN_MALFORMED'
  | 'ERR_IDENTITY_TOKEN_ALGORITHM'
  | 'ERR_IDENTITY_TOKEN_SIGNATURE'
  | 'ERR_IDENTITY_TOKEN_UNKNOWN_KEY'
  | 'ERR_IDENTITY_TOKEN_TYPE'
  | 'ERR_IDENTITY_TOKEN_ISSUER'
  | 'ERR_IDENTITY_TOKEN_AUDIENCE'
  | 'ERR_IDENTITY_TOKEN_EXPIRED'
  | 'ERR_IDENTITY_TOKEN_NOT_YET_VALID'
  | 'ERR_IDENTITY_TOKEN_CLAIMS'
  | 'ERR_IDENTITY_JWKS_UNAVAILABLE'
  | 'ERR_IDENTITY_STORAGE_UNAVAILABLE';

/** The OAuth `error` value sent for a rejection (RFC 6750 §3.1), or `undefined` when none is sent. */
export type IdentityOAuthError = Extract<
  OAuthErrorCode,
  'invalid_request' | 'invalid_token' | 'temporarily_unavailable'
>;

const SHAPES: Record<IdentityErrorCode, { status: 400 | 401 | 503; error: IdentityOAuthError | undefined }> =
  {
    // RFC 6750 §3.1: a request without authentication information gets no error code.
    ERR_IDENTITY_MISSING_TOKEN: { status: 401, error: undefined },
    ERR_IDENTITY_INVALID_REQUEST: { status: 400, error: 'invalid_request' },
    ERR_IDENTITY_TOKEN_MALFORMED: { status: 401, error: 'invalid_token' },
    ERR_IDENTITY_TOKEN_ALGORITHM: { status: 401, error: 'invalid_token' },
    ERR_IDENTITY_TOKEN_SIGNATURE: { status: 401, error: 'invalid_token' },
    ERR_IDENTITY_TOKEN_UNKNOWN_KEY: { status: 401, error: 'invalid_token' },
    ERR_IDENTITY_TOKEN_TYPE: { status: 401, error: 'invalid_token' },
    ERR_IDENTITY_TOKEN_ISSUER: { status: 401, error: 'invalid_token' },
    ERR_IDENTITY_TOKEN_AUDIENCE: { status: 401, error: 'invalid_token' },
    ERR_IDENTITY_TOKEN_EXPIRED: { status: 401, error: 'invalid_token' },
    ERR_IDENTITY_TOKEN_NOT_YET_VALID: { status: 401, error: 'invalid_token' },
    ERR_IDENTITY_TOKEN_CLAIMS: { status: 401, error: 'invalid_token' },
    ERR_IDENTITY_JWKS_UNAVAILABLE: { status: 503, error: 'temporarily_unavailable' },
    ERR_IDENTITY_STORAGE_UNAVAILABLE: { status: 503, error: 'temporarily_unavailable' },
  };

/**
 * Why a request was not authenticated. `message` is the public `error_description`
 * (never holds a token value); `detail` is for logs only.
 */
export class IdentityError extends Error {
  readonly code: IdentityErrorCode;
  readonly status: 400 | 401 | 503;
  /** The OAuth error code; `undefined` for a request that carried no token (RFC 6750 §3.1). */
  readonly error: IdentityOAuthError | undefined;
  /** Internal detail for logs (never sent to the client, never a token value). */
  readonly detail: string | undefined;

  constructor(
    code: IdentityErrorCode,
    description: string,
    options: { detail?: string; cause?: unknown } = {},
  ) {
    super(description, { cause: options.cause });
    this.name = 'IdentityError';
    this.code = code;
    const shape = SHAPES[code];
    this.status = shape.status;
    this.error = shape.error;
    this.detail = options.detail;
  }
}

/** Options given to `createAuthenticator` are invalid (thrown at creation, never per request). */
export class IdentityOptionsError extends OptionsError<'ERR_IDENTITY_INVALID_OPTIONS'> {
  constructor(message: string) {
    super('ERR_IDENTITY_INVALID_OPTIONS', message);
  }
}
