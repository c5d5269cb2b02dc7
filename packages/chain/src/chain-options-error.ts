import { OptionsError } from '@auth/protocol';

/** Literal codes of `ChainOptionsError`. */
export type ChainOptionsErrorCode =
  | 'ERR_CHAIN_INVALID_ISSUER'
  | 'ERR_CHAIN_INVALID_SIGNING_KEY'
  | 'ERR_CHAIN_NO_UPSTREAM'
  | 'ERR_CHAIN_UPSTREAM_MISMATCH'
  | 'ERR_CHAIN_INVALID_OPTION';

/** The options given to `createAuthorizationServer` cannot work; thrown at start, never at request time. */
export class ChainOptionsError extends OptionsError<ChainOptionsErrorCode> {}
