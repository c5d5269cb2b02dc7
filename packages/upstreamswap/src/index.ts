export type { Logger } from '@auth/protocol';
export { UpstreamSwapConfigError, type UpstreamSwapErrorCode } from './errors.js';
export { assertIdentityBeforeSwap, protectedRoute, upstreamSwapProvider } from './protected-route.js';
export { createUpstreamSwap } from './upstream-swap.js';
export type { HeaderStrategy, UpstreamSwapOptions } from './upstream-swap-options.js';
