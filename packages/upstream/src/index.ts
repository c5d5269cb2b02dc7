export type * from './upstream-client.js';
export { UpstreamError, type UpstreamErrorCode } from './upstream-error.js';
