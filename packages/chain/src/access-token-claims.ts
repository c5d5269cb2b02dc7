import type { JWTPayload } from 'jose';

/** Claims of the access tokens this server issues (RFC 9068 §2.2, plus `tsid`). */
export interface AccessTokenClaims extends JWTPayload {
  iss: string;
  sub: string;
  aud: string | string[];
  client_id: string;
  scope: string;
  iat: number;
  exp: number;
  jti: string;
  tsid: string;
}
