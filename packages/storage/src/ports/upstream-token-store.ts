/**
 * One upstream IdP's token set for one gateway session (docs/architecture.md#storage).
 * Times are epoch milliseconds.
 */
export interface UpstreamTokens {
  accessToken: string;
  tokenType: string;
  refreshToken?: string;
  idToken?: string;
  /** When the access token expires; absent means it does not expire. */
  expiresAt?: number;
  /**
   * When the gateway session that owns these tokens ends (the AS grant's end).
   * The entry lives until `max(expiresAt, sessionExpiresAt)`; an entry with a
   * refresh token is never evicted just because its access token expired.
   */
  sessionExpiresAt?: number;
  /**
   * True while the chain that stored the entry has not completed (docs/architecture.md#record-lifetimes):
   * the entry then lives exactly until `sessionExpiresAt` (required with it), whatever its access
   * token's expiry, so an abandoned or failed chain leaves nothing behind once its steps expire.
   * `setUpstreamSessionExpiry` without `provisional` ends this state.
   */
  provisional?: boolean;
  scope?: string;
  /**
   * When the gateway obtained this access token (epoch ms), if known. Refresh on read uses it
   * to tell a token about to expire from one that is merely short-lived (an upstream whose
   * tokens live less than the refresh skew), so a fresh token is not refreshed again at once.
   */
  obtainedAt?: number;
  /** Internal user id of the gateway. */
  userId: string;
  /** The subject the upstream IdP gave this user. */
  upstreamSubject: string;
  /** The client the session was issued to. */
  clientId: string;
}

/**
 * Upstream tokens keyed by `(session id, provider name)`; the method names are the RFC's.
 * Empty `sessionId` or `providerName` rejects with `InvalidStorageArgumentError`.
 */
export interface UpstreamTokenStore {
  /** Stores (replaces) one provider's tokens for a session. Atomic with the session index; one Redis round trip. */
  storeUpstreamTokens(sessionId: string, providerName: string, tokens: UpstreamTokens): Promise<void>;
  /**
   * Replaces one provider's tokens only while the session still holds tokens for it, atomically
   * (one Redis round trip): a refresh that finishes after the tokens were deleted (revocation, a
   * failed chain, `invalid_grant` elsewhere) must not bring them back. Resolves `false`, storing
   * nothing, when there was no entry to replace.
   */
  replaceUpstreamTokens(sessionId: string, providerName: string, tokens: UpstreamTokens): Promise<boolean>;
  /**
   * Sets the session end (`sessionExpiresAt`) of every provider's tokens of the session, atomically
   * (one Redis round trip, one cluster slot): each entry then lives until `max(expiresAt,
   * sessionExpiresAt)` and is no longer provisional, and one already past that is deleted. With
   * `{ provisional: true }` (a chain still running) every entry is provisional and lives exactly
   * until `sessionExpiresAt`. Nothing else of an entry changes, so a concurrent refresh is never
   * undone, and deleted tokens are never brought back. A concurrent reader sees every provider
   * before or every provider after, never a mix. Resolves with how many entries remain (0 for an
   * unknown session).
   */
  setUpstreamSessionExpiry(
    sessionId: string,
    sessionExpiresAt: number,
    options?: { provisional?: boolean },
  ): Promise<number>;
  /**
   * One provider's tokens, expired access tokens included; `undefined` when none. The value is
   * read-only: a backend may hand out its stored (frozen) record rather than a copy.
   */
  getUpstreamTokens(sessionId: string, providerName: string): Promise<Readonly<UpstreamTokens> | undefined>;
  /**
   * Every provider's tokens of a session in one read (`{}` when none; expired ones included). One
   * Redis round trip. Values are read-only, as for `getUpstreamTokens`.
   */
  getAllUpstreamTokens(sessionId: string): Promise<Record<string, Readonly<UpstreamTokens>>>;
  /**
   * The named providers' tokens of a session in one read: `getAllUpstreamTokens` restricted to
   * `providerNames` (a name without tokens is absent; `{}` for an empty list). One plain Redis
   * command (`MGET`, no script): the read of the protected path, whose caller knows which
   * providers exist. A reader sees every named provider before or after a concurrent write of
   * the session, never a mix. Values are read-only, as for `getUpstreamTokens`.
   */
  getUpstreamTokensFor(
    sessionId: string,
    providerNames: readonly string[],
  ): Promise<Record<string, Readonly<UpstreamTokens>>>;
  /** Deletes every provider's tokens of the session. Atomic; one Redis round trip. */
  deleteUpstreamTokens(sessionId: string): Promise<void>;
  /** Deletes one provider's tokens of the session. */
  deleteUpstreamTokensForProvider(sessionId: string, providerName: string): Promise<void>;
}
