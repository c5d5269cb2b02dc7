export type { AccessTokenClaims } from '@auth/protocol';
export { type Logger, silentLogger } from '@auth/protocol';
export {
  type AuthorizationServer,
  type AuthorizationServerOptions,
  createAuthorizationServer,
} from './authorization-server.js';
export { ChainConfigurationError, type ChainConfigurationErrorCode } from './chain-configuration-error.js';
export {
  type HttpErrorCode,
  OAuthError,
  type OAuthErrorCode,
  type OAuthErrorOptions,
} from './oauth-error.js';
