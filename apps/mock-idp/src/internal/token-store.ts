import { randomBytes } from 'node:crypto';

/** What an authorization code was issued for. */
export interface CodeGrant {
  clientId: string;
  /** The `redirect_uri` the authorization request carried, when it carried one. */
  redirectUri: string | undefined;
  codeChallenge: string | undefined;
  nonce: string | undefined;
  scope: string;
  username: string;
  /** When the user authenticated (epoch ms): the ID token's `auth_time` (OIDC Core §2). */
  authTime: number;
}

/** What an access or refresh token stands for. */
export interface TokenGrant {
  clientId: string;
  scope: string;
  username: string;
  /** When the user authenticated (epoch ms); kept across refreshes. */
  authTime: number;
  /** One per authorization (code), kept across refreshes: lets a replayed code revoke its tokens. */
  grantId: string;
}

interface Expiring<T> {
  grant: T;
  expiresAt: number;
}

/** An IdP session: who signed in, and when (epoch ms). */
export interface IdpSession {
  username: string;
  authTime: number;
}

/** Authorization codes live 60 s (RFC 6749 §4.1.2: short-lived). */
const CODE_TTL_MS = 60_000;
/** Bounds every map so a long-running demo cannot grow without limit. */
const MAX_ENTRIES = 10_000;

function bounded<K, V>(map: Map<K, V>, key: K, value: V): void {
  if (map.size >= MAX_ENTRIES) {
    const oldest = map.keys().next();
    if (oldest.done !== true) map.delete(oldest.value);
  }
  map.set(key, value);
}

/**
 * Codes, access tokens, refresh tokens and IdP sessions of one instance. Every value starts
 * with the instance's prefix, so a token is recognisable per IdP and no instance accepts another's.
 */
export class TokenStore {
  readonly prefix: string;
  readonly #now: () => number;
  readonly #codes = new Map<string, Expiring<CodeGrant> & { used: boolean; grantId: string }>();
  readonly #access = new Map<string, Expiring<TokenGrant>>();
  readonly #refresh = new Map<string, TokenGrant>();
  readonly #sessions = new Map<string, IdpSession>();

  constructor(prefix: string, now: () => number) {
    this.prefix = prefix;
    this.#now = now;
  }

  #random(kind: string): string {
    return `${this.prefix}${kind}_${randomBytes(24).toString('base64url')}`;
  }

  issueCode(grant: CodeGrant): string {
    const code = this.#random('code');
    bounded(this.#codes, code, {
      grant,
      expiresAt: this.#now() + CODE_TTL_MS,
      used: false,
      grantId: randomBytes(12).toString('base64url'),
    });
    return code;
  }

  /**
   * Consumes a code once. A second use answers `replayed` and revokes every token issued from
   * the first (RFC 6749 §4.1.2).
   */
  consumeCode(code: string): { grant: CodeGrant; grantId: string } | 'unknown' | 'expired' | 'replayed' {
    const entry = this.#codes.get(code);
    if (entry === undefined) return 'unknown';
    if (entry.used) {
      this.revokeGrant(entry.grantId);
      return 'replayed';
    }
    entry.used = true;
    if (entry.expiresAt <= this.#now()) return 'expired';
    return { grant: entry.grant, grantId: entry.grantId };
  }

  issueAccessToken(grant: TokenGrant, ttlSeconds: number): string {
    const token = this.#random('at');
    bounded(this.#access, token, { grant, expiresAt: this.#now() + ttlSeconds * 1000 });
    return token;
  }

  /** A live access token's grant, or `undefined` (unknown, expired or revoked). */
  liveAccessToken(token: string): TokenGrant | undefined {
    const entry = this.#access.get(token);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#access.delete(token);
      return undefined;
    }
    return entry.grant;
  }

  issueRefreshToken(grant: TokenGrant): string {
    const token = this.#random('rt');
    bounded(this.#refresh, token, grant);
    return token;
  }

  /** Removes a refresh token and returns its grant: rotation (RFC 9700 §4.14), one winner. */
  consumeRefreshToken(token: string): TokenGrant | undefined {
    const grant = this.#refresh.get(token);
    if (grant !== undefined) this.#refresh.delete(token);
    return grant;
  }

  /** RFC 7009: revokes one token of either kind; unknown tokens are ignored. */
  revokeToken(token: string, clientId: string): void {
    const access = this.#access.get(token);
    if (access !== undefined && access.grant.clientId === clientId) this.#access.delete(token);
    const refresh = this.#refresh.get(token);
    if (refresh !== undefined && refresh.clientId === clientId) this.#refresh.delete(token);
  }

  revokeGrant(grantId: string): void {
    for (const [token, entry] of this.#access)
      if (entry.grant.grantId === grantId) this.#access.delete(token);
    for (const [token, grant] of this.#refresh) if (grant.grantId === grantId) this.#refresh.delete(token);
  }

  /** `POST /_mock/revoke`: every code, access token and refresh token becomes invalid. */
  revokeAll(): void {
    this.#codes.clear();
    this.#access.clear();
    this.#refresh.clear();
  }

  /** Starts an IdP session for a user who just authenticated; returns the cookie value. */
  startSession(session: IdpSession): string {
    const id = randomBytes(24).toString('base64url');
    bounded(this.#sessions, id, { ...session });
    return id;
  }

  session(id: string): IdpSession | undefined {
    const session = this.#sessions.get(id);
    return session === undefined ? undefined : { ...session };
  }
}
