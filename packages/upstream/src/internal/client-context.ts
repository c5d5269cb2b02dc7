import type { Logger } from '@auth/protocol';
import type { BoundedFetch } from './bounded-fetch.js';

/** The resolved runtime every client implementation shares. */
export interface ClientContext {
  fetch: BoundedFetch;
  timeoutMs: number;
  logger: Logger;
  now: () => number;
  allowInsecureHttp: boolean;
}
