// The logger port, defined once in @auth/protocol; this name stays for existing imports.
export type { Logger as UpstreamLogger } from '@auth/protocol';
export { createUpstreamClient, DEFAULT_UPSTREAM_TIMEOUT_MS } from './create-upstream-client.js';
export {
  type BoundedFetch,
  type BoundedFetchOptions,
  type BoundedRequest,
  createBoundedFetch,
} from './internal/bounded-fetch.js';
export type * from './upstream-client.js';
export type * from './upstream-client-options.js';
export { UpstreamError, type UpstreamErrorCode } from './upstream-error.js';
export { UpstreamOptionsError, type UpstreamOptionsErrorCode } from './upstream-options-error.js';
