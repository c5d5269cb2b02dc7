/** A refresh-token family (RFC 9700 §4.14): the grant a code redemption created. */
export interface Grant {
  /** Random and URL-safe (`A-Z a-z 0-9 - _`, at most 256 characters): it never holds a `.`. */
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

/** What `inspectRefreshToken` knows of a presented refresh token. */
export interface RefreshTokenInspection {
  grant: Grant;
  /** `true` for the grant's current refresh token; `false` for one already rotated (superseded). */
  current: boolean;
}

/**
 * Grants and their refresh tokens; refresh tokens are stored only as hashes (SHA-256 of the
 * whole token string).
 *
 * **Refresh-token format**: every refresh token is `<grantId>.<secret>`: the id of its grant,
 * a `.`, and a non-empty random secret (the AS puts at least 256 bits of randomness in it).
 * The prefix routes a presented token to its grant without a lookup, so on Redis every key of
 * one grant family shares one cluster slot (rotation stays one atomic script) while different
 * grants spread over slots. A presented token not of that form, or whose prefix is not a valid
 * grant id, is simply unknown (`invalid` / `undefined`), never an error.
 */
export interface GrantStore {
  /**
   * Creates (or replaces) a grant, optionally with its first refresh token, which must be
   * `<grant.grantId>.<secret>`; any other form rejects with `InvalidStorageArgumentError`
   * (as does a grant id that is not URL-safe).
   */
  saveGrant(grant: Grant, refreshToken?: string): Promise<void>;
  /** The grant, or `undefined` (also for an id no grant can have). */
  getGrant(grantId: string): Promise<Grant | undefined>;
  /**
   * Atomically replaces the presented (current) refresh token of a grant with `nextRefreshToken`.
   * Presenting a token that was already rotated revokes the whole grant and returns `reused`.
   * A presented token that is unknown, or not of the form `<grantId>.<secret>`, returns `invalid`.
   * `nextRefreshToken` must be `<grantId>.<secret>` with the presented token's grant id (and differ
   * from it), else `InvalidStorageArgumentError`. One Redis round trip.
   */
  rotateRefreshToken(
    presentedRefreshToken: string,
    nextRefreshToken: string,
  ): Promise<RotateRefreshTokenResult>;
  /**
   * The grant a refresh token (current or rotated) belongs to, for revocation (RFC 7009);
   * `undefined` when unknown or not of the form `<grantId>.<secret>`.
   */
  findGrantByRefreshToken(refreshToken: string): Promise<Grant | undefined>;
  /**
   * The grant a refresh token belongs to and whether it is the grant's current token (not yet
   * rotated), for introspection (RFC 7662). Read-only: a rotated token presented here revokes
   * nothing. `undefined` when unknown, revoked, expired, or not of the form `<grantId>.<secret>`.
   * One Redis round trip.
   */
  inspectRefreshToken(refreshToken: string): Promise<RefreshTokenInspection | undefined>;
  /** Deletes the grant and every refresh token of its family. */
  revokeGrant(grantId: string): Promise<void>;
}
