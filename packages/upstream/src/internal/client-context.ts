import type { UpstreamLogger } from '../upstream-logger.js';
import type { BoundedFetch } from './bounded-fetch.js';

/** The resolved runtime every client implementation shares. */
export interface ClientContext {
  fetch: BoundedFetch;
  timeoutMs: number;
  logger: UpstreamLogger;
  now: () => number;
  allowInsecureHttp: boolean;
}
