export {
  ACCESS_TOKEN_REQUIRED_CLAIMS,
  type AccessTokenClaims,
  invalidAccessTokenClaim,
} from './access-token-claims.js';
export { type BearerChallengeParams, bearerChallenge } from './bearer-challenge.js';
export { hasHiddenFormatting } from './display-text.js';
export { escapeHtml } from './escape-html.js';
export { guardedObserver } from './guarded-observer.js';
export { type Logger, silentLogger } from './logger.js';
export { isLoopbackHost } from './loopback.js';
export type * from './oauth-error-code.js';
export { OptionsError } from './options-error.js';
export { isScopeToken } from './scope-token.js';
export { issuerProblem, secureUrlProblem } from './secure-url.js';
