/** RFC 6749 §5.2: `error` = 1*( %x20-21 / %x23-5B / %x5D-7E ); bounded so a hostile IdP cannot flood logs. */
const OAUTH_ERROR_VALUE = /^[\x20\x21\x23-\x5B\x5D-\x7E]{1,64}$/;

/** The IdP's `error` value when it is a well-formed RFC 6749 error code, else `undefined`. */
export function oauthErrorValue(value: unknown): string | undefined {
  return typeof value === 'string' && OAUTH_ERROR_VALUE.test(value) ? value : undefined;
}
