/** What an authorization code is bound to (RFC 6749 §4.1.2, RFC 7636, RFC 8707). */
export interface AuthorizationCodeRecord {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  codeChallengeMethod: 'S256';
  scope: string[];
  resource: string[];
  userId: string;
  sessionId: string;
  /** The grant (refresh-token family) the code's redemption creates; revoked if the code is replayed. */
  grantId: string;
  nonce?: string;
  authTime: number;
  expiresAt: number;
}

/** Result of consuming a code. */
export type ConsumeCodeResult =
  | { status: 'consumed'; record: AuthorizationCodeRecord }
  /** The code was already redeemed: the caller must revoke `record.grantId` (RFC 6749 §4.1.2). */
  | { status: 'reused'; record: AuthorizationCodeRecord }
  | { status: 'unknown' };

/** Authorization codes; stored only as hashes of the code value. */
export interface AuthorizationCodeStore {
  saveAuthorizationCode(code: string, record: AuthorizationCodeRecord): Promise<void>;
  /**
   * Atomically marks the code used. The first of N concurrent callers gets
   * `consumed`; the rest (and later callers, until expiry) get `reused`. One Redis round trip.
   */
  consumeAuthorizationCode(code: string): Promise<ConsumeCodeResult>;
}
