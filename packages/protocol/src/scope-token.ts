// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** Whether `value` is one RFC 6749 §3.3 scope token (also what RFC 6750 §3 allows in a challenge's `scope`). */
export function isScopeToken(value: string): boolean {
  return SCOPE_TOKEN.test(value);
}
