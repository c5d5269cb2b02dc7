/** Literal codes of `ChainConfigurationError`. */
export type ChainConfigurationErrorCode =
  | 'ERR_CHAIN_INVALID_ISSUER'
  | 'ERR_CHAIN_INVALID_SIGNING_KEY'
  | 'ERR_CHAIN_NO_UPSTREAM'
  | 'ERR_CHAIN_UPSTREAM_MISMATCH'
  | 'ERR_CHAIN_INVALID_OPTION';

/** The options given to `createAuthorizationServer` cannot work; thrown at start, never at request time. */
export class ChainConfigurationError extends Error {
  readonly code: ChainConfigurationErrorCode;
  constructor(code: ChainConfigurationErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ChainConfigurationError';
    this.code = code;
  }
}
