import { IdentityError } from '../errors.js';

/** Longer than any token the AS issues; bounds the work a hostile header can cause. */
const MAX_TOKEN_LENGTH = 16_384;
// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * Extracts the bearer token from an `Authorization` header value (RFC 6750 §2.1).
 * Missing header or another scheme → `ERR_IDENTITY_MISSING_TOKEN` (RFC 6750 §3.1: no error code);
 * a malformed Bearer credential → `ERR_IDENTITY_INVALID_REQUEST` (400).
 */
export function extractBearerToken(authorization: string | undefined): string {
  const value = authorization?.trim();
  if (!value) throw new IdentityError('ERR_IDENTITY_MISSING_TOKEN', 'A bearer access token is required');
  const space = value.indexOf(' ');
  const scheme = space === -1 ? value : value.slice(0, space);
  // RFC 7235 §2.1: the scheme is case-insensitive.
  if (scheme.toLowerCase() !== 'bearer') {
    throw new IdentityError('ERR_IDENTITY_MISSING_TOKEN', 'A bearer access token is required', {
      detail: 'unsupported authorization scheme',
    });
  }
  const token = space === -1 ? '' : value.slice(space + 1).trimStart();
  if (token === '') {
    throw new IdentityError('ERR_IDENTITY_INVALID_REQUEST', 'The Authorization header has no bearer token');
  }
  if (token.length > MAX_TOKEN_LENGTH) {
    throw new IdentityError('ERR_IDENTITY_INVALID_REQUEST', 'The bearer token is too long');
  }
  if (!B64TOKEN.test(token)) {
    throw new IdentityError(
      'ERR_IDENTITY_INVALID_REQUEST',
      'The Authorization header is not a valid Bearer credential',
    );
  }
  return token;
}

/**
 * Whether the query of a request target holds a non-empty `access_token` parameter (RFC 6750 §2.3),
 * names compared after percent-decoding as every URL parser does.
 */
export function hasQueryAccessToken(url: string): boolean {
  const index = url.indexOf('?');
  if (index === -1) return false;
  return new URLSearchParams(url.slice(index + 1)).getAll('access_token').some((value) => value !== '');
}
