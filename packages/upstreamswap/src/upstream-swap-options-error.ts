import { OptionsError } from '@auth/protocol';

/** Literal codes of `UpstreamSwapOptionsError`. */
export type UpstreamSwapOptionsErrorCode =
  | 'ERR_UPSTREAMSWAP_INVALID_PROVIDER'
  | 'ERR_UPSTREAMSWAP_INVALID_STRATEGY'
  | 'ERR_UPSTREAMSWAP_INVALID_HEADER'
  | 'ERR_UPSTREAMSWAP_INVALID_OPTION'
  | 'ERR_UPSTREAMSWAP_IDENTITY_MISSING';

/**
 * A route is misconfigured: bad options given to `createUpstreamSwap`, or a swap
 * mounted without the identity middleware before it. Thrown at start-up, never per request.
 */
export class UpstreamSwapOptionsError extends OptionsError<UpstreamSwapOptionsErrorCode> {}
