import type { Logger } from '@auth/protocol';
import type { Storage } from '@auth/storage';
import type { UpstreamClient } from '@auth/upstream';
import type { TokenLifetimes } from '../authorization-server-options.js';
import type { MetadataDocumentClients } from './metadata-documents/metadata-document-clients.js';
import type { SigningKeys } from './signing-keys.js';
import type { TokenIssuer } from './token-issuer.js';

/** One upstream of the chain: its name (the client's), whether it may be skipped, its client. */
export interface Upstream {
  name: string;
  /** How the consent page names it (the name when none was given). */
  displayName: string;
  optional: boolean;
  client: UpstreamClient;
  /** Bound on each call of a leg to this upstream (the client's own timeout, else the server's). */
  timeoutMs: number;
}

/** Everything the route handlers share. */
export interface ServerContext {
  issuer: string;
  lifetimes: TokenLifetimes;
  scopesSupported: readonly string[];
  /** Whether RFC 7591 dynamic registration is open. */
  registration: boolean;
  /** Clients identified by the URL of their metadata document. */
  metadataDocuments: MetadataDocumentClients;
  storage: Storage;
  logger: Logger;
  now: () => number;
  keys: SigningKeys;
  tokens: TokenIssuer;
  /** Upstreams in chain order, with their clients. */
  upstreams: readonly Upstream[];
  upstreamTimeoutMs: number;
  /** The allowed RFC 8707 audiences (the protected routes' URLs). */
  resources: string[];
  cookieSecret: Uint8Array;
  /** Cookie attributes derived from the issuer. */
  cookie: { path: string; secure: boolean };
  /** Lifetime of a pending chain step (consent page or one upstream leg), in seconds. */
  pendingLifetime: number;
  /** How long a user is kept after its last grant ended, in seconds. */
  userRetention: number;
}

/** An absolute URL of one of the server's endpoints. */
export function endpoint(ctx: Pick<ServerContext, 'issuer'>, path: string): string {
  return `${ctx.issuer}${path}`;
}
