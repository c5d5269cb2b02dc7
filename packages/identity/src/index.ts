export type { AccessTokenClaims } from '@auth/protocol';
export { type Logger, silentLogger } from '@auth/protocol';
export type { AuthRejection, AuthResult } from './auth-result.js';
export {
  type AuthenticateOptions,
  type AuthenticateRequest,
  type Authenticator,
  type AuthenticatorOptions,
  createAuthenticator,
} from './authenticator.js';
export {
  IdentityError,
  type IdentityErrorCode,
  type IdentityOAuthError,
  IdentityOptionsError,
} from './errors.js';
export type { Identity, UpstreamState, UpstreamTokenStatus } from './identity.js';
export type { IdentityEvents, RefreshResult } from './identity-events.js';
export {
  createIdentityMiddleware,
  type IdentityMiddlewareOptions,
  isIdentityMiddleware,
} from './identity-middleware.js';
export { createLocalJwks, createRemoteJwks, type JwksSource, type RemoteJwksOptions } from './jwks-source.js';
export {
  createProtectedResourceMetadata,
  type ProtectedResourceMetadata,
  type ProtectedResourceMetadataDocument,
  type ProtectedResourceMetadataOptions,
  protectedResourceMetadataUrl,
} from './protected-resource-metadata.js';
