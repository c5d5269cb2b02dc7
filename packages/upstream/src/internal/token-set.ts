import type { UpstreamTokenSet } from '../upstream-client.js';
import { UpstreamError } from '../upstream-error.js';

/** How to turn one successful token response (RFC 6749 §5.1) into an `UpstreamTokenSet`. */
export interface TokenSetInput {
  provider: string;
  body: Readonly<Record<string, unknown>>;
  now: number;
  /** On refresh: kept when the IdP does not rotate (RFC 6749 §6 lets it omit `refresh_token`). */
  previousRefreshToken?: string;
  /** GitHub reports granted scopes comma-separated; normalize to RFC 6749 §3.3's spaces. */
  commaSeparatedScope?: boolean;
}

/**
 * Validates the fields of a successful token response and computes `expiresAt`
 * (`now + expires_in`). Rejects with `ERR_UPSTREAM_MALFORMED_RESPONSE`; messages name
 * fields, never values.
 */
export function toTokenSet(input: TokenSetInput): UpstreamTokenSet {
  const { provider, body } = input;
  const malformed = (what: string) =>
    new UpstreamError(
      provider,
      'ERR_UPSTREAM_MALFORMED_RESPONSE',
      `upstream "${provider}" token response ${what}`,
      { status: 200 },
    );

  const accessToken = body['access_token'];
  if (typeof accessToken !== 'string' || accessToken.length === 0) throw malformed('has no access_token');

  const rawType = body['token_type'];
  if (rawType !== undefined && (typeof rawType !== 'string' || rawType.length === 0)) {
    throw malformed('has an invalid token_type');
  }
  // RFC 6749 §7.1 token types are case-insensitive; store the canonical spelling.
  const tokenType = rawType === undefined || rawType.toLowerCase() === 'bearer' ? 'Bearer' : rawType;

  const tokens: UpstreamTokenSet = { accessToken, tokenType };

  const expiresIn = body['expires_in'];
  if (expiresIn !== undefined && expiresIn !== '') {
    const seconds = typeof expiresIn === 'string' ? Number(expiresIn) : expiresIn;
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
      throw malformed('has an invalid expires_in');
    }
    tokens.expiresAt = input.now + Math.round(seconds * 1000);
  }

  const refreshToken = body['refresh_token'];
  if (refreshToken !== undefined && refreshToken !== '' && typeof refreshToken !== 'string') {
    throw malformed('has an invalid refresh_token');
  }
  if (typeof refreshToken === 'string' && refreshToken.length > 0) tokens.refreshToken = refreshToken;
  else if (input.previousRefreshToken !== undefined) tokens.refreshToken = input.previousRefreshToken;

  const idToken = body['id_token'];
  if (typeof idToken === 'string' && idToken.length > 0) tokens.idToken = idToken;

  const scope = body['scope'];
  if (typeof scope === 'string' && scope.length > 0) {
    tokens.scope = input.commaSeparatedScope
      ? scope
          .split(/[\s,]+/)
          .filter((s) => s.length > 0)
          .join(' ')
      : scope;
  }
  return tokens;
}
