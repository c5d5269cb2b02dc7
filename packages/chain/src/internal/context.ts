import type { GatewayConfig, UpstreamConfig } from '@auth/config';
import type { Logger } from '@auth/protocol';
import type { Storage } from '@auth/storage';
import type { UpstreamClient } from '@auth/upstream';
import type { SigningKeys } from './signing-keys.js';
import type { TokenIssuer } from './token-issuer.js';

/** Everything the route handlers share. */
export interface ServerContext {
  config: GatewayConfig;
  issuer: string;
  storage: Storage;
  logger: Logger;
  now: () => number;
  keys: SigningKeys;
  tokens: TokenIssuer;
  /** Upstreams in chain order, with their clients. */
  upstreams: Array<{ config: UpstreamConfig; client: UpstreamClient }>;
  upstreamTimeoutMs: number;
  /** Every configured resource (route URL): the allowed RFC 8707 audiences. */
  resources: string[];
  cookieSecret: Uint8Array;
  /** Cookie attributes derived from the issuer. */
  cookie: { path: string; secure: boolean };
  /** Lifetime of a pending chain step (consent page or one upstream leg), in seconds. */
  pendingLifetime: number;
}

/** An absolute URL of one of the server's endpoints. */
export function endpoint(ctx: Pick<ServerContext, 'issuer'>, path: string): string {
  return `${ctx.issuer}${path}`;
}
