/**
 * What an authorization request did about signing the user in:
 * - `form`: the login form was shown;
 * - `form_post`: the user signed in with the form (a fresh authentication);
 * - `session`: the IdP session signed the user in (no new authentication);
 * - `auto_login`: signed in as the `autoLogin` user (a fresh authentication);
 * - `login_required`: `prompt=none` and no usable session.
 */
export type RecordedLoginAction = 'form' | 'form_post' | 'session' | 'auto_login' | 'login_required';

/**
 * Why the request asked for a fresh sign-in, so neither the session nor auto-login could answer
 * it (OIDC Core §3.1.2.1): `prompt=login`, `prompt=select_account` (GitHub's account picker,
 * which is the login form here), or `max_age` (0, or older than the session's sign-in).
 */
export type RecordedLoginReason = 'prompt_login' | 'prompt_select_account' | 'max_age';

/** The `login` part of an authorization request's log entry. */
export interface RecordedLogin {
  action: RecordedLoginAction;
  /** Set when a fresh sign-in was asked for (and honoured, unless `ignored`). */
  reason?: RecordedLoginReason;
  /** True when the `ignore_prompt` fault made the IdP disregard `reason`. */
  ignored?: true;
  /** Who was signed in (absent for `form` and `login_required`). */
  username?: string;
  /** The sign-in's authentication time (epoch seconds): the `auth_time` its ID token carries. */
  authTime?: number;
}

/**
 * One entry of the request log (`GET /_mock/requests`). `params` merges query and body
 * parameters with every secret removed: `client_secret`, `code`, `code_verifier`, tokens and
 * `Authorization` values are never recorded; `client_auth` tells how the client authenticated.
 * Authorization requests that got as far as the login decision carry `login`.
 */
export interface RecordedRequest {
  method: string;
  path: string;
  params: Record<string, string | string[]>;
  login?: RecordedLogin;
}
