import type { Logger } from '@auth/protocol';

interface UpstreamClientOptionsBase {
  /** Provider name (`corp`, `github`, `default`); used in errors and logs. */
  name: string;
  clientId: string;
  /**
   * Plain client secret. Present: `client_secret_basic` (RFC 6749 §2.3.1).
   * Absent: a public client, `none` + PKCE only.
   */
  clientSecret?: string;
  /** Requested scopes, sent space-joined (RFC 6749 §3.3). */
  scopes: string[];
}

/** An OpenID Connect upstream, configured by discovery at `issuer` (OIDC Discovery 1.0). */
export interface OidcUpstreamClientOptions extends UpstreamClientOptionsBase {
  type: 'oidc';
  issuer: string;
}

/** A plain OAuth 2.0 upstream shaped like GitHub: endpoints given, identity from a userinfo endpoint. */
export interface OAuth2UpstreamClientOptions extends UpstreamClientOptionsBase {
  type: 'oauth2';
  authorizationEndpoint: string;
  tokenEndpoint: string;
  userinfo: {
    endpoint: string;
    /** Field of the userinfo JSON holding the stable subject (e.g. `id`); a number is converted to a string. */
    subjectField: string;
    nameField?: string;
    emailField?: string;
  };
  /**
   * The `prompt` sent when a leg asks the user to sign in again (`leg.prompt` or `leg.maxAge`):
   * `select_account` (default; GitHub's only prompt, its account picker) or `login` (for servers
   * that honour OIDC's `prompt=login`; `max_age` is sent too). A plain OAuth 2.0 server reports
   * no authentication time, so whether it re-authenticated cannot be checked.
   */
  reauthenticationPrompt?: 'select_account' | 'login';
}

/**
 * What `createUpstreamClient` takes: `@auth/config`'s `UpstreamConfig` with a plain
 * string secret, so this package depends on nothing internal.
 */
export type UpstreamClientOptions = OidcUpstreamClientOptions | OAuth2UpstreamClientOptions;

/** Injectable runtime collaborators (oauth4webapi style). */
export interface UpstreamRuntime {
  /** The HTTP client for every call to the IdP; default: undici's `request` (a keep-alive pool). */
  fetch?: typeof fetch;
  /** Bound on every upstream HTTP call, body included; also the client's `timeoutMs`. Default 10 000 ms. */
  timeoutMs?: number;
  /**
   * Bound on the HTTP call of a refresh (`refresh`), at least `timeoutMs`; default `timeoutMs`. A
   * caller that stops waiting after `timeoutMs` (identity's refresh on read) still gets the answer
   * of a refresh the IdP completes later, instead of losing a refresh token the IdP rotated.
   */
  refreshTimeoutMs?: number;
  logger?: Logger;
  /** Clock for `expiresAt` (epoch ms). ID-token time checks use the real clock, like the IdP does. */
  now?: () => number;
  /** Allow `http:` issuers and endpoints (loopback tests and the demo). Default false. */
  allowInsecureHttp?: boolean;
}
