export { createUpstreamClient, DEFAULT_UPSTREAM_TIMEOUT_MS } from './create-upstream-client.js';
export type * from './upstream-client.js';
export type * from './upstream-client-options.js';
export { UpstreamError, type UpstreamErrorCode } from './upstream-error.js';
export type { UpstreamLogger } from './upstream-logger.js';
export { UpstreamOptionsError, type UpstreamOptionsErrorCode } from './upstream-options-error.js';
