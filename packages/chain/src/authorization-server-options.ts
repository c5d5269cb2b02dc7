import type { Logger } from '@auth/protocol';
import type { Storage } from '@auth/storage';
import type { UpstreamClient } from '@auth/upstream';
import type { Request } from 'express';
import type { ChainEvents } from './chain-events.js';
import type { RequestLimiter } from './request-limiter.js';

/** One upstream IdP of the chain, with the client the app built for it. */
export interface ChainUpstream {
  /**
   * The client of this upstream (`@auth/upstream`'s `createUpstreamClient`). Its `name` names the
   * upstream: the callback path `/oauth/callback/<name>` and the key of the session's tokens.
   * Pass the same client to the identity middleware, so both share one discovery cache.
   */
  client: UpstreamClient;
  /** When true, a failing leg is skipped instead of failing the chain. Default false. */
  optional?: boolean;
  /**
   * How the consent page names this upstream to the user (e.g. `Corp SSO`): 1 to 100 characters, no
   * control or bidirectional formatting character. Default the client's `name`.
   */
  displayName?: string;
}

/** Signing algorithms of the AS's tokens (RFC 7518 §3.1, RFC 8037). */
export type SigningAlgorithm = 'ES256' | 'RS256' | 'EdDSA';

/** One signing key; the first of the list signs, every one verifies (rotation without invalidating live tokens). */
export interface SigningKey {
  /** The PKCS8 PEM private key: P-256 for ES256, RSA of at least 2048 bits for RS256, Ed25519 for EdDSA. */
  pem: string;
  alg: SigningAlgorithm;
  /** How errors name the key (e.g. its file); never its content. */
  label: string;
}

/** A pre-registered client, saved to storage at start (static: never evicted). */
export interface StaticClient {
  clientId: string;
  /** Present: a confidential client (`client_secret_basic`); stored only as a hash. Absent: public, PKCE only. */
  clientSecret?: string;
  clientName?: string;
  /** Matched exactly, except a loopback `http` URI matches on any port (RFC 8252 §7.3). */
  redirectUris: string[];
  /** Trusted clients skip the consent page. Default false. */
  trusted?: boolean;
  /** Scopes this client may request; absent = every supported scope. */
  scopes?: string[];
  /**
   * Algorithm of this client's ID tokens (OIDC Registration §2 `id_token_signed_response_alg`):
   * RS256 or the signing key's algorithm. Absent: the signing key's.
   */
  idTokenSignedResponseAlg?: SigningAlgorithm;
}

/** Token lifetimes, in seconds. */
export interface TokenLifetimes {
  accessToken: number;
  /** Also the lifetime of a grant with refresh tokens, and so of its gateway session. */
  refreshToken: number;
  authorizationCode: number;
}

/**
 * Clients identified by the `https` URL of their metadata document
 * (draft-ietf-oauth-client-id-metadata-document; the MCP authorization spec's preferred way).
 */
export interface MetadataDocumentOptions {
  /** Whether a URL `client_id` is fetched (and the metadata says `client_id_metadata_document_supported`). Default true. */
  enabled?: boolean;
  /**
   * Hosts (as in the URL: a name or an IP literal, IPv6 without brackets; any port) whose documents may be
   * fetched from private, loopback or link-local addresses. Every other host must resolve to public
   * addresses only. Default none.
   */
  allowedHosts?: string[];
  /** Lower bound of a document's cache lifetime, in seconds; also the lifetime when it sends no `max-age`. Default 60. */
  minTtlSeconds?: number;
  /** Upper bound of a document's cache lifetime, in seconds. Default 86400. */
  maxTtlSeconds?: number;
  /** Deadline of one document fetch (headers and body). Default 5000 ms. */
  timeoutMs?: number;
  /** Trusted CA certificates (PEM) for the documents' TLS instead of Node's default store (a private CA). */
  ca?: string[];
  /** Name resolution, every address of a name (default `dns.lookup` with `all: true`). */
  resolve?: (hostname: string) => Promise<Array<{ address: string; family: 4 | 6 }>>;
}

/** RFC 7591 dynamic client registration. */
export interface RegistrationOptions {
  /** Whether `/oauth/register` is open. */
  enabled: boolean;
  /**
   * RFC 7591 §3: when set, a registration must present it as a bearer token (RFC 6750), else 401
   * `invalid_token`. Absent: registration is open to anyone.
   */
  initialAccessToken?: string;
  /**
   * Seconds a registered client is kept without use; each token issued to it (code exchange,
   * refresh) keeps it at least this long and at least as long as its refresh tokens live.
   * Default 30 days.
   */
  unusedClientLifetime?: number;
  /** Most `redirect_uris` one registration may list. Default 10. */
  maxRedirectUris?: number;
  /** Largest registration body, in bytes (then 413). Default 16384. */
  maxBodyBytes?: number;
}

/** Options of `createAuthorizationServer`: everything the chain needs, and no more. */
export interface AuthorizationServerOptions {
  /** The issuer identifier (RFC 8414 §2): https, or http on a loopback host; no query, fragment or trailing slash. */
  issuer: string;
  /** The upstreams in chain order; at least one. */
  upstreams: ChainUpstream[];
  /** The resources (RFC 8707) tokens may be issued for: the protected routes' URLs. */
  audiences: string[];
  lifetimes: TokenLifetimes;
  /**
   * Empty or absent: an ephemeral ES256 key is generated (with a warning). ID tokens are offered in
   * RS256 too (OIDC Discovery §3): by the first RS256 key of the list, else by a key generated at start.
   */
  signingKeys?: SigningKey[];
  /** Scopes a client may request (and register with). */
  scopesSupported: string[];
  /** Pre-registered clients. Default none. */
  clients?: StaticClient[];
  /** RFC 7591 dynamic registration (`/oauth/register`): whether it is open, and its bounds. */
  registration: RegistrationOptions;
  /** Client ID Metadata Documents; default enabled, no allowed private host. */
  metadataDocuments?: MetadataDocumentOptions;
  storage: Storage;
  /** pino-compatible; default silent. Token values are never logged. */
  logger?: Logger;
  /** Clock (epoch ms); default `Date.now`. */
  now?: () => number;
  /** Observer of logins, legs and refusals (metrics); default none. See {@link ChainEvents}. */
  events?: ChainEvents;
  /**
   * Bound on every upstream call the chain waits for (plus one second) when the upstream's client
   * does not state its own `timeoutMs`; default 10 s.
   */
  upstreamTimeoutMs?: number;
  /**
   * How long a user and its provider identities are kept after the end of their last grant, in
   * seconds (docs/architecture.md#record-lifetimes); default 90 days. A user whose chain never
   * completed is forgotten when the chain's steps expire.
   */
  userRetention?: number;
  /**
   * HMAC key (at least 32 bytes) of the consent cookies. Default: derived (HKDF) from the signing key, so
   * replicas sharing the key agree; ephemeral when the signing key is.
   */
  cookieSecret?: Uint8Array;
  /**
   * The abuse limits' counters (docs/architecture.md#abuse-limits): past a limit the endpoint
   * answers 429 with `Retry-After`. Absent: nothing is limited.
   */
  limiter?: RequestLimiter;
  /** The client's address, the key of the per-address limits. Default express's `req.ip`. */
  clientAddress?: (req: Request) => string;
}
