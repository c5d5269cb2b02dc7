export type { AccessTokenClaims } from '@auth/protocol';
export { type Logger, silentLogger } from '@auth/protocol';
export { type AuthorizationServer, createAuthorizationServer } from './authorization-server.js';
export type {
  AuthorizationServerOptions,
  ChainUpstream,
  MetadataDocumentOptions,
  RegistrationOptions,
  SigningAlgorithm,
  SigningKey,
  StaticClient,
  TokenLifetimes,
} from './authorization-server-options.js';
export type { ChainEvents, LegOutcome } from './chain-events.js';
export { ChainOptionsError, type ChainOptionsErrorCode } from './chain-options-error.js';
export {
  type HttpErrorCode,
  OAuthError,
  type OAuthErrorCode,
  type OAuthErrorOptions,
} from './oauth-error.js';
export type { LimitDecision, LimitName, RequestLimiter } from './request-limiter.js';
