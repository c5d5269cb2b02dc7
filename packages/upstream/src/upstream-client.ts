/** Tokens and identity returned by one upstream leg or refresh. Times are epoch ms. */
export interface UpstreamTokenSet {
  accessToken: string;
  tokenType: string;
  refreshToken?: string;
  idToken?: string;
  /** Absent when the IdP gave no `expires_in`. */
  expiresAt?: number;
  scope?: string;
}

/** Who the user is at the upstream. */
export interface UpstreamIdentity {
  /** Stable subject (`sub` claim, or the configured userinfo field, as a string). */
  subject: string;
  name?: string;
  email?: string;
}

/** Parameters of one leg, generated fresh by the chain for every leg. */
export interface UpstreamLegParameters {
  /** `/oauth/callback/<name>` under the gateway's issuer. */
  redirectUri: string;
  state: string;
  /** PKCE verifier; the S256 challenge goes to the IdP. */
  codeVerifier: string;
  /** OIDC nonce (ignored by `oauth2` upstreams). */
  nonce: string;
  /**
   * `login`: the user must sign in again at this IdP (the client sent `prompt=login` or
   * `max_age=0`, OIDC Core §3.1.2.1). `oidc` sends `prompt=login`; `oauth2` sends its configured
   * `reauthenticationPrompt`.
   */
  prompt?: 'login';
  /** OIDC Core §3.1.2.1 `max_age` (seconds), forwarded to `oidc` upstreams. */
  maxAge?: number;
}

/** What one completed leg gives: the tokens, who the user is, and when they authenticated. */
export interface UpstreamAuthorization {
  tokens: UpstreamTokenSet;
  identity: UpstreamIdentity;
  /**
   * The verified ID token's `auth_time` (OIDC Core §2) in epoch ms; absent when the IdP sent
   * none, and always for `oauth2` upstreams (they report no authentication time).
   */
  authTime?: number;
}

/** A client of one upstream IdP. Created once per configured upstream. */
export interface UpstreamClient {
  readonly name: string;
  readonly type: 'oidc' | 'oauth2';
  /**
   * How long a caller should wait for this upstream, in ms (its configured timeout): the chain bounds
   * each leg's call by it, the refresh on read answers a waiting request after it. Absent: the
   * caller's own default.
   */
  readonly timeoutMs?: number;
  /**
   * Fetches and checks what the first leg would need first (OIDC discovery, RFC 8414 / OIDC
   * Discovery §4), so that a server can refuse to start without it; the result is cached like a
   * leg's. Nothing to fetch for `oauth2`. Rejects with `UpstreamError`; a failure is not cached.
   */
  discover(): Promise<void>;
  /** The URL to send the browser to for this leg (with `prompt` and `max_age` when the leg has them). */
  authorizationUrl(leg: UpstreamLegParameters): Promise<URL>;
  /**
   * Validates the callback (`state`, `iss` when the IdP supports RFC 9207, `error`),
   * exchanges the code with PKCE, and validates the ID token fully (signature, `iss`,
   * `aud`, `exp`, `nonce`) or fetches userinfo. Rejects with `UpstreamError`.
   */
  completeAuthorization(callbackUrl: URL, leg: UpstreamLegParameters): Promise<UpstreamAuthorization>;
  /**
   * Refresh grant (RFC 6749 §6). The result's `refreshToken` is the rotated one when the IdP
   * issued a new one, otherwise the `refreshToken` passed in (§6 lets the IdP keep it); `idToken`
   * is set only when the IdP returned a new (fully verified) one. Rejects with `UpstreamError`
   * (`permanent` tells a dead token from an outage).
   */
  refresh(refreshToken: string): Promise<UpstreamTokenSet>;
}
