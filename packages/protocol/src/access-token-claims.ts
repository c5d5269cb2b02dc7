/**
 * Claims of the gateway's access tokens: an RFC 9068 JWT (`typ: at+jwt`) plus `tsid`, the gateway
 * session the upstream tokens are stored under.
 *
 * `scope` is optional: RFC 9068 §2.2 does not list it among the required claims, and §2.2.3 only
 * says it SHOULD be present when the request had a scope. The authorization server always writes
 * it; a verifier must still accept a token without it (it then grants no scope).
 */
export interface AccessTokenClaims {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  jti: string;
  /** RFC 9068 §2.2: the client the token was issued to. */
  client_id: string;
  /** Space-delimited (RFC 9068 §2.2.3). */
  scope?: string;
  /** RFC 9068 §2.2.1: when the user authenticated (seconds). */
  auth_time?: number;
  /** The gateway session id. */
  tsid: string;
  [claim: string]: unknown;
}

/**
 * The claims every access token must carry: RFC 9068 §2.2's required list, plus `tsid`. Both the
 * authorization server and `@auth/identity` verify against this list (in this order).
 */
export const ACCESS_TOKEN_REQUIRED_CLAIMS: readonly string[] = Object.freeze([
  'iss',
  'aud',
  'exp',
  'iat',
  'sub',
  'client_id',
  'jti',
  'tsid',
]);

// Identifier claims of the gateway that must be non-empty strings (RFC 9068 §2.2, RFC 7519 §4.1).
const STRING_CLAIMS = ['sub', 'client_id', 'tsid', 'jti', 'iss'] as const;

/**
 * The name of the first claim of a signature-checked payload whose value has the wrong type, or
 * `undefined` when every claim of {@link AccessTokenClaims} is well typed. Presence is checked by the
 * JWT library against {@link ACCESS_TOKEN_REQUIRED_CLAIMS}; this checks what it cannot.
 */
export function invalidAccessTokenClaim(payload: Readonly<Record<string, unknown>>): string | undefined {
  for (const claim of STRING_CLAIMS) {
    const value = payload[claim];
    if (typeof value !== 'string' || value.length === 0) return claim;
  }
  const aud = payload['aud'];
  if (typeof aud !== 'string' && !(Array.isArray(aud) && aud.every((a) => typeof a === 'string')))
    return 'aud';
  for (const claim of ['exp', 'iat'] as const) {
    if (typeof payload[claim] !== 'number') return claim;
  }
  if (payload['scope'] !== undefined && typeof payload['scope'] !== 'string') return 'scope';
  return undefined;
}
