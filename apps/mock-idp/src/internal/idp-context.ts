import type { Logger } from '@auth/protocol';
import type { MockIdpMode } from '../mock-idp-options.js';
import type { FaultStore } from './fault-store.js';
import type { IdTokenSigner } from './id-token-signer.js';
import type { RequestLog } from './request-log.js';
import type { TokenStore } from './token-store.js';

/** Everything the handlers of one instance share. */
export interface IdpContext {
  mode: MockIdpMode;
  issuer: string;
  /** The issuer's path ('' for none): every endpoint lives under it. */
  basePath: string;
  clientId: string;
  clientSecret: string | undefined;
  redirectUris: readonly string[] | undefined;
  autoLogin: string | undefined;
  /** Heading of the login and error pages. */
  title: string;
  accessTokenTtlSeconds: number;
  refreshTokens: boolean;
  now: () => number;
  logger: Logger;
  tokens: TokenStore;
  faults: FaultStore;
  requestLog: RequestLog;
  signer: IdTokenSigner;
  /** Per instance, so several IdPs on one host (cookies ignore ports) keep separate sessions. */
  sessionCookieName: string;
  /** Aborted on close: pending delays end. */
  closing: AbortSignal;
}

/** Endpoint paths (relative to the base path) per mode. */
export function endpointPaths(mode: MockIdpMode): { authorize: string; token: string; userinfo: string } {
  return mode === 'oidc'
    ? { authorize: '/authorize', token: '/token', userinfo: '/userinfo' }
    : { authorize: '/login/oauth/authorize', token: '/login/oauth/access_token', userinfo: '/user' };
}
