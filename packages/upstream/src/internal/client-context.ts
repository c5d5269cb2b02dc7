import type { Logger } from '@auth/protocol';
import type { BoundedFetch } from './bounded-fetch.js';

/** The resolved runtime every client implementation shares. */
export interface ClientContext {
  fetch: BoundedFetch;
  timeoutMs: number;
  /** `fetch` bounded by the refresh deadline (`refreshTimeoutMs`), for refresh grants. */
  refreshFetch: BoundedFetch;
  refreshTimeoutMs: number;
  logger: Logger;
  now: () => number;
  allowInsecureHttp: boolean;
}
