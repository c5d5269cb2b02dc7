/** A refresh-token family (RFC 9700 §4.14): the grant a code redemption created. */
export interface Grant {
  grantId: string;
  clientId: string;
  userId: string;
  sessionId: string;
  scope: string[];
  resource: string[];
  authTime: number;
  createdAt: number;
  /** Absolute end of the grant (epoch ms); refresh tokens never outlive it. */
  expiresAt: number;
}

/** Result of presenting a refresh token for rotation. */
export type RotateRefreshTokenResult =
  | { status: 'rotated'; grant: Grant }
  /** An already-rotated token was presented: the grant has been revoked in the same operation. */
  | { status: 'reused'; grant: Grant }
  | { status: 'invalid' };

/** Grants and their refresh tokens; refresh tokens are stored only as hashes. */
export interface GrantStore {
  /** Creates a grant, optionally with its first refresh token. */
  saveGrant(grant: Grant, refreshToken?: string): Promise<void>;
  getGrant(grantId: string): Promise<Grant | undefined>;
  /**
   * Atomically replaces the presented (current) refresh token of a grant with `nextRefreshToken`.
   * Presenting a token that was already rotated revokes the whole grant and returns `reused`.
   * One Redis round trip.
   */
  rotateRefreshToken(
    presentedRefreshToken: string,
    nextRefreshToken: string,
  ): Promise<RotateRefreshTokenResult>;
  /** The grant a refresh token (current or rotated) belongs to, for revocation (RFC 7009). */
  findGrantByRefreshToken(refreshToken: string): Promise<Grant | undefined>;
  /** Deletes the grant and every refresh token of its family. */
  revokeGrant(grantId: string): Promise<void>;
}
