/** How a client authenticates at the token endpoint (RFC 7591 §2). */
export type TokenEndpointAuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post';

/** A registered OAuth client (static from config, or RFC 7591 dynamic). */
export interface OAuthClient {
  clientId: string;
  /**
   * The client secret as given to the storage; backends store only a hash of it
   * (verify with `ClientStore.verifyClientSecret`). Never returned by reads.
   */
  clientSecret?: string;
  /** True when the client has a secret (the hash is stored, the value is not). */
  hasSecret?: boolean;
  redirectUris: string[];
  grantTypes: string[];
  responseTypes: string[];
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  clientName?: string;
  /** Space-delimited scopes the client may request; absent = every supported scope. */
  scope?: string;
  /** Trusted clients skip the consent page (static clients only). */
  trusted?: boolean;
  /** True for clients defined in configuration. */
  static?: boolean;
  createdAt: number;
  /** RFC 7591 metadata kept as registered, for echoing back. */
  metadata?: Record<string, unknown>;
}

/** How long a saved client is kept. */
export interface SaveClientOptions {
  /**
   * Seconds the client is kept unless `touchClient` extends it (an unused registration expires).
   * Absent: kept until deleted. Ignored for static clients, which never expire.
   */
  lifetimeSeconds?: number;
}

/** Registered clients. */
export interface ClientStore {
  /**
   * Creates or replaces a client. The secret, if any, is stored hashed: a static client's
   * (operator-chosen, maybe guessable) with salted scrypt, a registered one's (256 random bits)
   * with SHA-256.
   */
  saveClient(client: OAuthClient, options?: SaveClientOptions): Promise<void>;
  /**
   * A client saved with a lifetime is now kept at least `lifetimeSeconds` from now (each use
   * extends it); a client without one, a static one or an unknown one is left as it is.
   */
  touchClient(clientId: string, lifetimeSeconds: number): Promise<void>;
  /** The client without its secret; `undefined` when unknown. */
  getClient(clientId: string): Promise<OAuthClient | undefined>;
  /** Constant-time check of a presented secret against the stored hash. */
  verifyClientSecret(clientId: string, presentedSecret: string): Promise<boolean>;
  deleteClient(clientId: string): Promise<void>;
}
