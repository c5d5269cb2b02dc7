export type { Logger } from '@auth/protocol';
export { assertIdentityBeforeSwap, protectedRoute, upstreamSwapProvider } from './protected-route.js';
export {
  type UpstreamCredential,
  type UpstreamHeaderRule,
  upstreamCredential,
} from './upstream-credential.js';
export { createUpstreamSwap } from './upstream-swap.js';
export type { HeaderStrategy, UpstreamSwapOptions } from './upstream-swap-options.js';
export {
  UpstreamSwapOptionsError,
  type UpstreamSwapOptionsErrorCode,
} from './upstream-swap-options-error.js';
