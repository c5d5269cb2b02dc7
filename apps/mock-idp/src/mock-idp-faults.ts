import { MockIdpError } from './mock-idp-error.js';

/** Defects the ID token can be given (docs/architecture.md#the-mock-idp). */
export type IdTokenFault =
  | 'bad_signature'
  | 'wrong_nonce'
  | 'wrong_audience'
  | 'wrong_issuer'
  | 'expired'
  | 'alg_none'
  | 'no_auth_time';

/**
 * Faults to inject, as posted to `POST /_mock/faults` (snake_case). Each field lasts
 * until cleared, or applies once when `once` is true. Setting faults merges with the active ones.
 */
export interface MockIdpFaults {
  /** The authorization response carries this `error` (RFC 6749 §4.1.2.1). */
  authorize_error?: string;
  /** `wrong` or `missing`: the `iss` of the authorization response (RFC 9207). */
  response_iss?: 'wrong' | 'missing';
  /** `missing`: no `state` in the authorization response. */
  response_state?: 'missing';
  /** The token endpoint answers this HTTP status (with `token_error`, default `server_error`/`invalid_request`). */
  token_status?: number;
  /** The token endpoint answers this `error` (RFC 6749 §5.2); status 400 (200 in oauth2 mode) unless `token_status`. */
  token_error?: string;
  /** The token endpoint answers after this delay (0–60000 ms). */
  token_delay_ms?: number;
  /** The next ID tokens carry this defect (`no_auth_time`: without `auth_time`). */
  id_token?: IdTokenFault;
  /**
   * The authorization endpoint disregards `prompt=login`, `prompt=select_account` and `max_age`,
   * like an IdP that does not support them: the session (with its true, older `auth_time`) or
   * auto-login signs the user in.
   */
  ignore_prompt?: boolean;
  /** Refresh grants fail with this `error` (e.g. `invalid_grant`). */
  refresh_error?: string;
  /** The userinfo endpoint (`/user` in oauth2 mode) answers this status. */
  userinfo_status?: number;
  /** Each field given applies to one request only, then clears itself. */
  once?: boolean;
}

/** The fault fields, without `once`. */
export type MockIdpFaultName = Exclude<keyof MockIdpFaults, 'once'>;

const ID_TOKEN_FAULTS: readonly IdTokenFault[] = [
  'bad_signature',
  'wrong_nonce',
  'wrong_audience',
  'wrong_issuer',
  'expired',
  'alg_none',
  'no_auth_time',
];

// RFC 6749 §5.2: error codes are NQSCHAR (printable ASCII without `"` and `\`).
const ERROR_CODE = /^[\x20\x21\x23-\x5B\x5D-\x7E]{1,100}$/;

type Check = (value: unknown) => string | undefined;

const errorCode: Check = (v) =>
  typeof v === 'string' && ERROR_CODE.test(v) ? undefined : 'must be an OAuth error code (printable ASCII)';
const integerIn =
  (min: number, max: number): Check =>
  (v) =>
    Number.isInteger(v) && (v as number) >= min && (v as number) <= max
      ? undefined
      : `must be an integer from ${min} to ${max}`;
const oneOf =
  (values: readonly string[]): Check =>
  (v) =>
    typeof v === 'string' && values.includes(v) ? undefined : `must be one of ${values.join(', ')}`;

const CHECKS: Record<keyof MockIdpFaults, Check> = {
  authorize_error: errorCode,
  response_iss: oneOf(['wrong', 'missing']),
  response_state: oneOf(['missing']),
  token_status: integerIn(200, 599),
  token_error: errorCode,
  token_delay_ms: integerIn(0, 60_000),
  id_token: oneOf(ID_TOKEN_FAULTS),
  ignore_prompt: (v) => (typeof v === 'boolean' ? undefined : 'must be a boolean'),
  refresh_error: errorCode,
  userinfo_status: integerIn(200, 599),
  once: (v) => (typeof v === 'boolean' ? undefined : 'must be a boolean'),
};

/**
 * Validates a faults body. Unknown fields and bad values are rejected with a
 * `MockIdpError` (`invalid_faults`) naming every problem.
 */
export function parseMockIdpFaults(input: unknown): MockIdpFaults {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new MockIdpError('invalid_faults', 'faults must be a JSON object');
  }
  const problems: string[] = [];
  for (const [key, value] of Object.entries(input)) {
    const check = Object.hasOwn(CHECKS, key) ? CHECKS[key as keyof MockIdpFaults] : undefined;
    if (check === undefined) {
      problems.push(`${JSON.stringify(key).slice(0, 60)}: unknown field`);
      continue;
    }
    const problem = check(value);
    if (problem !== undefined) problems.push(`${key}: ${problem}`);
  }
  if (problems.length > 0) throw new MockIdpError('invalid_faults', problems.join('; '));
  return { ...(input as MockIdpFaults) };
}
