import type { Logger } from '@auth/protocol';
import type { Storage } from '@auth/storage';
import type { UpstreamClient } from '@auth/upstream';
import type { Request } from 'express';
import type { TokenLifetimes } from '../authorization-server-options.js';
import type { ChainEvents } from '../chain-events.js';
import type { RequestLimiter } from '../request-limiter.js';
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

/** RFC 7591 registration's bounds. */
export interface RegistrationRules {
  /** RFC 7591 §3 initial access token; absent: open registration. */
  initialAccessToken: string | undefined;
  /** Seconds an unused registered client is kept. */
  unusedClientLifetime: number;
  maxRedirectUris: number;
}

/** Everything the route handlers share. */
export interface ServerContext {
  issuer: string;
  lifetimes: TokenLifetimes;
  scopesSupported: readonly string[];
  /** Whether RFC 7591 dynamic registration is open. */
  registration: boolean;
  /** The bounds of registration (defaults filled in). */
  registrationRules: RegistrationRules;
  /** Clients identified by the URL of their metadata document. */
  metadataDocuments: MetadataDocumentClients;
  storage: Storage;
  logger: Logger;
  /** The observer, every method callable (a missing one does nothing, a throw is logged). */
  events: Required<ChainEvents>;
  now: () => number;
  keys: SigningKeys;
  tokens: TokenIssuer;
  /** Upstreams in chain order, with their clients. */
  upstreams: readonly Upstream[];
  upstreamTimeoutMs: number;
  /** The allowed RFC 8707 audiences (the protected routes' URLs). */
  resources: string[];
  cookieSecret: Uint8Array;
  /** A256GCM key of the sealed consent forms (derived from `cookieSecret`, so replicas agree). */
  consentFormKey: Uint8Array;
  /** Cookie attributes derived from the issuer. */
  cookie: { path: string; secure: boolean };
  /** Lifetime of a pending chain step (consent page or one upstream leg), in seconds. */
  pendingLifetime: number;
  /** How long a user is kept after its last grant ended, in seconds. */
  userRetention: number;
  /** The abuse limits' counters; absent: nothing is limited. */
  limiter: RequestLimiter | undefined;
  /** The client's address, the key of the per-address limits. */
  clientAddress: (req: Request) => string;
}

/** An absolute URL of one of the server's endpoints. */
export function endpoint(ctx: Pick<ServerContext, 'issuer'>, path: string): string {
  return `${ctx.issuer}${path}`;
}
