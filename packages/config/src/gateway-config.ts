import type { ListenAddress } from './listen-address.js';
import type { Secret } from './secret.js';

/** Signing algorithms the gateway supports (PKCS8 PEM files). */
export type SigningAlgorithm = 'ES256' | 'RS256' | 'EdDSA';

/** One configured signing key; the first one of the list signs, the others only verify. */
export interface SigningKeyConfig {
  /** Path as written in the config file (resolved against the config file's folder). */
  file: string;
  /** Algorithm derived from the key type. */
  alg: SigningAlgorithm;
  /** The PKCS8 PEM text. */
  pem: Secret;
}

/** Token lifetimes, in seconds. */
export interface TokenLifetimes {
  accessToken: number;
  refreshToken: number;
  authorizationCode: number;
}

export interface MemoryStorageConfig {
  type: 'memory';
}

export interface RedisStorageConfig {
  type: 'redis';
  /** `redis://` or `rediss://` URL (single node); absent when `sentinel` or `cluster` is used. */
  url?: Secret;
  keyPrefix: string;
  /** 32-byte key (base64 or hex in the source; normalized to standard base64 here) for AES-256-GCM encryption at rest. */
  encryptionKey?: Secret;
  /** Former keys (normalized like `encryptionKey`), still accepted for reading; empty without rotation. */
  previousEncryptionKeys: Secret[];
  /** Replicas that must acknowledge each write a session depends on (Redis `WAIT`); 0 = no `WAIT`. */
  waitForReplicas: number;
  /** The `WAIT` timeout in ms (1-1500). */
  waitTimeoutMs: number;
  sentinel?: { name: string; sentinels: Array<{ host: string; port: number }>; password?: Secret };
  cluster?: { nodes: Array<{ host: string; port: number }>; password?: Secret };
}

export type StorageConfig = MemoryStorageConfig | RedisStorageConfig;

/** A pre-registered client. */
export interface StaticClientConfig {
  clientId: string;
  clientSecret?: Secret;
  clientName?: string;
  redirectUris: string[];
  /** Trusted clients skip the consent page. */
  trusted: boolean;
  /** Scopes this client may request; absent = every supported scope. */
  scopes?: string[];
  /** OIDC Registration §2: the algorithm of this client's ID tokens; absent = the signing key's. */
  idTokenSignedResponseAlg?: SigningAlgorithm;
}

interface UpstreamBase {
  /** `^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`; `default` for a lone unnamed upstream. */
  name: string;
  /** How the consent page names this IdP to the user; absent = `name`. */
  displayName?: string;
  clientId: string;
  /** Absent = public client (PKCE only). */
  clientSecret?: Secret;
  scopes: string[];
  /** When true, a failing leg is skipped (never true for the first upstream). */
  optional: boolean;
  /** How long the gateway waits for this IdP, in seconds (each leg call; a request waiting for a refresh). */
  timeout: number;
}

/** An OpenID Connect upstream, configured by discovery at `issuer`. */
export interface OidcUpstreamConfig extends UpstreamBase {
  type: 'oidc';
  issuer: string;
}

/** A plain OAuth 2.0 upstream (e.g. GitHub): endpoints given, identity from a userinfo endpoint. */
export interface OAuth2UpstreamConfig extends UpstreamBase {
  type: 'oauth2';
  authorizationEndpoint: string;
  tokenEndpoint: string;
  userinfo: {
    endpoint: string;
    /** Field holding the stable subject (e.g. `id`). */
    subjectField: string;
    nameField?: string;
    emailField?: string;
  };
  /**
   * The `prompt` sent when the client asks the user to sign in again (`prompt=login` or
   * `max_age`): GitHub's `select_account` (default) or `login`.
   */
  reauthenticationPrompt: 'select_account' | 'login';
}

export type UpstreamConfig = OidcUpstreamConfig | OAuth2UpstreamConfig;

/** A protected route of the reference server (docs/architecture.md#the-reference-server). */
export interface RouteConfig {
  /** Path prefix, e.g. `/mcp/github`. */
  path: string;
  /** Backend base URL. */
  backend: string;
  /** Name of the upstream whose token the backend receives. */
  upstream: string;
  headerStrategy: 'replace' | 'custom';
  /** Required when `headerStrategy` is `custom`. */
  customHeaderName?: string;
  /** The resource URL: `issuer + path` (RFC 8707 / RFC 9728). */
  resource: string;
}

/** One backend MCP server of an aggregate route. */
export interface AggregateBackendConfig {
  /** Prefix of its tools, resources and prompts (`corp` → `corp__search`). */
  name: string;
  /** URL of the backend's MCP Streamable HTTP endpoint. */
  backend: string;
  /** Name of the upstream whose token this backend receives. */
  upstream: string;
  headerStrategy: 'replace' | 'custom';
  /** Required when `headerStrategy` is `custom`. */
  customHeaderName?: string;
}

/** A route that is one MCP endpoint for several backend MCP servers (docs/architecture.md#the-reference-server). */
export interface AggregateRouteConfig {
  /** Path of the MCP endpoint, e.g. `/mcp`. */
  path: string;
  backends: AggregateBackendConfig[];
  /** MCP sessions open at once: per gateway session (one login) and over all users. */
  sessions: { perGatewaySession: number; total: number };
  /** The resource URL: `issuer + path` (RFC 8707 / RFC 9728). */
  resource: string;
}

/** The reference server's connections to its backends; durations in seconds. */
export interface ProxyConfig {
  /** Time allowed to open a backend connection. */
  connectTimeout: number;
  /** Time allowed for a backend's response headers; bodies (e.g. server-sent events) are not bounded. */
  responseTimeout: number;
  /** Idle time after which a kept-alive backend connection is closed. */
  idleTimeout: number;
  /** Connections open at most to one backend origin. */
  maxConnections: number;
}

/** How clients become known besides the configured ones: RFC 7591 registration and metadata documents. */
export interface RegistrationConfig {
  /** RFC 7591 dynamic client registration. */
  enabled: boolean;
  /** Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document); durations in seconds. */
  metadataDocuments: {
    enabled: boolean;
    /** Hosts (lower case, IPv6 without brackets) that may resolve to private or loopback addresses. */
    hosts: string[];
    minTtl: number;
    maxTtl: number;
  };
  /** RFC 7591 §3: when set, registration requires it as a bearer token. */
  initialAccessToken?: Secret;
  /** Seconds a registered client is kept without use (each token issued to it extends it). */
  unusedClientLifetime: number;
}

/** A rate: at most `requests` per `window` seconds for one client address. */
export interface RateLimitConfig {
  requests: number;
  window: number;
}

/** The abuse limits (docs/architecture.md#abuse-limits); windows in seconds. */
export interface LimitsConfig {
  authorize: RateLimitConfig;
  register: RateLimitConfig;
  /** Failed client authentication (token, revocation, introspection endpoints). */
  clientAuthFailures: { perAddress: number; perClient: number; window: number };
  /** Bounds of one dynamic registration. */
  registration: { maxRedirectUris: number; maxBodyBytes: number };
}

/** The reference server's client connections; durations in seconds. */
export interface ServerConfig {
  /** `server.listen` as written (`HOST:PORT`), when set; `--listen` and `AUTH_SERVER_LISTEN` override it. */
  listen?: ListenAddress;
  /** Time start-up may take (storage reachable, upstream discovery, listening) before the process gives up. */
  startupTimeout: number;
  /** Time a client has to send a request's headers (then 408). */
  headersTimeout: number;
  /** Time a client has to send a whole request, body included; responses (e.g. server-sent events) are not bounded. */
  requestTimeout: number;
  /** Idle time after which a kept-alive client connection is closed. */
  keepAliveTimeout: number;
  /** Client connections open at once; one beyond it is closed when accepted. */
  maxConnections: number;
  /** After SIGTERM, time left to requests in flight before connections and backend requests are cut. */
  shutdownGrace: number;
  /**
   * Trusted proxies in the forms of express's `trust proxy`: `false` (none), a hop count, or address
   * entries (IP addresses, CIDR ranges, `loopback`, `linklocal`, `uniquelocal`).
   */
  trustProxy: false | number | string[];
}

/** Prometheus metrics of the reference server. */
export interface MetricsConfig {
  enabled: boolean;
  /** Path of the text exposition, e.g. `/metrics`. */
  path: string;
  /** A separate listener for the metrics only; absent: the main listener, for a loopback issuer only. */
  listen?: ListenAddress;
}

/** Users and their provider identities; durations in seconds. */
export interface UsersConfig {
  /** How long a user is kept after its last grant ended. */
  retention: number;
}

/** Refresh on read across replicas; durations in seconds. */
export interface RefreshConfig {
  /** Lifetime of the cross-replica refresh lock, renewed while the refresh runs. */
  lockLifetime: number;
  /** How long a request waits for another replica's refresh before answering 503. */
  wait: number;
}

/** The normalized, fully typed gateway configuration (docs/architecture.md#configuration): durations in seconds, defaults applied, secrets resolved. */
export interface GatewayConfig {
  issuer: string;
  /** Empty = an ephemeral ES256 key is generated at start (with a warning). */
  signingKeys: SigningKeyConfig[];
  tokenLifetimes: TokenLifetimes;
  scopesSupported: string[];
  storage: StorageConfig;
  registration: RegistrationConfig;
  proxy: ProxyConfig;
  server: ServerConfig;
  metrics: MetricsConfig;
  users: UsersConfig;
  refresh: RefreshConfig;
  limits: LimitsConfig;
  /**
   * `Host` values (host or host:port, lower case) the MCP routes accept besides the issuer's host:
   * the DNS-rebinding check of the MCP Streamable HTTP transport.
   */
  allowedHosts: string[];
  /** `Origin` values (serialized origins) the MCP routes accept besides the issuer's origin. */
  allowedOrigins: string[];
  clients: StaticClientConfig[];
  /** The chain visits them in this order; at least one. */
  upstreams: UpstreamConfig[];
  /** Proxy routes: one backend each. */
  routes: RouteConfig[];
  /** Aggregate routes (`routes[]` entries with `aggregate`): one MCP endpoint for several backends. */
  aggregateRoutes: AggregateRouteConfig[];
}
