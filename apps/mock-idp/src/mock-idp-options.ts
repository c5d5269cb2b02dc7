import type { Logger } from '@auth/protocol';

/** `oidc`: an OpenID Provider; `oauth2`: a GitHub-shaped plain OAuth 2.0 server. */
export type MockIdpMode = 'oidc' | 'oauth2';

/** Options of {@link startMockIdp}. */
export interface MockIdpOptions {
  mode: MockIdpMode;
  /**
   * The issuer URL (`http(s)`, no query, fragment or trailing slash; a path is allowed and
   * prefixes every endpoint). Default `http://<host>:<port>`. Port `0` in the issuer is replaced
   * by the real port. Without `port`, the server listens on the issuer's explicit port (else 0).
   */
  issuer?: string;
  /** Listening port; default the issuer's explicit port, else 0 (a free port). */
  port?: number;
  /** Listening address; default the issuer's host when it is an IP literal, else `127.0.0.1`. */
  host?: string;
  /** The one client this IdP knows. */
  clientId: string;
  /** Absent: a public client, which must use PKCE (RFC 7636) and authenticates with `none`. */
  clientSecret?: string;
  /** Registered redirect URIs, matched exactly. Absent: any absolute http(s) `redirect_uri` is accepted. */
  redirectUris?: readonly string[];
  /**
   * Heading of the login page (and its `<title>`), e.g. `Corp SSO — step 1 of 2`: a demo that
   * knows its chain's order names the provider and the step. Default `Mock OIDC provider <issuer>`
   * or `Mock GitHub <issuer>`.
   */
  title?: string;
  /** Skip the login form and log in as this username. */
  autoLogin?: string;
  /** Access (and ID) token lifetime; default 3600. */
  accessTokenTtlSeconds?: number;
  /** Issue a refresh token with every token response (both modes, no `offline_access` needed); default `true`. */
  refreshTokens?: boolean;
  /** Injectable clock (epoch ms); default `Date.now`. */
  now?: () => number;
  /** pino-compatible; default silent. */
  logger?: Logger;
}
