import type { UpstreamClientOptions, UpstreamRuntime } from '../upstream-client-options.js';
import { UpstreamOptionsError } from '../upstream-options-error.js';

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
const MAX_TIMEOUT_MS = 10 * 60 * 1000;

/**
 * Checks options once, at creation, so a bad upstream fails at start-up rather than at
 * the first login. Messages name the field, never a secret.
 */
export function validateOptions(options: UpstreamClientOptions, runtime: UpstreamRuntime): void {
  if (typeof options !== 'object' || options === null) fail('options must be an object');
  const name =
    typeof options.name === 'string' && options.name.length > 0
      ? options.name
      : fail('name must be a non-empty string');
  const at = (field: string) => `upstream "${name}": ${field}`;

  if (typeof options.clientId !== 'string' || options.clientId.length === 0) {
    fail(at('clientId must be a non-empty string'));
  }
  if (
    options.clientSecret !== undefined &&
    (typeof options.clientSecret !== 'string' || options.clientSecret.length === 0)
  ) {
    fail(at('clientSecret must be a non-empty string when given'));
  }
  if (
    !Array.isArray(options.scopes) ||
    !options.scopes.every((s) => typeof s === 'string' && SCOPE_TOKEN.test(s))
  ) {
    fail(at('scopes must be an array of RFC 6749 §3.3 scope tokens'));
  }
  const insecure = runtime.allowInsecureHttp === true;
  const url = (field: string, value: unknown, allowQuery: boolean): void => {
    if (typeof value !== 'string' || !URL.canParse(value)) {
      fail(at(`${field} must be an absolute URL`));
    }
    const parsed = new URL(value);
    if (parsed.protocol !== 'https:' && !(insecure && parsed.protocol === 'http:')) {
      fail(at(`${field} must use https (http needs allowInsecureHttp)`));
    }
    if (parsed.hash !== '' || value.includes('#')) fail(at(`${field} must not have a fragment`));
    if (!allowQuery && parsed.search !== '') fail(at(`${field} must not have a query`));
  };

  switch (options.type) {
    case 'oidc':
      url('issuer', options.issuer, false);
      break;
    case 'oauth2':
      // RFC 6749 §3.1: the authorization endpoint may carry a query, which is kept.
      url('authorizationEndpoint', options.authorizationEndpoint, true);
      url('tokenEndpoint', options.tokenEndpoint, true);
      if (typeof options.userinfo !== 'object' || options.userinfo === null)
        fail(at('userinfo must be an object'));
      url('userinfo.endpoint', options.userinfo.endpoint, true);
      if (typeof options.userinfo.subjectField !== 'string' || options.userinfo.subjectField.length === 0) {
        fail(at('userinfo.subjectField must be a non-empty string'));
      }
      for (const field of ['nameField', 'emailField'] as const) {
        const value = options.userinfo[field];
        if (value !== undefined && (typeof value !== 'string' || value.length === 0)) {
          fail(at(`userinfo.${field} must be a non-empty string when given`));
        }
      }
      if (
        options.reauthenticationPrompt !== undefined &&
        options.reauthenticationPrompt !== 'select_account' &&
        options.reauthenticationPrompt !== 'login'
      ) {
        fail(at('reauthenticationPrompt must be "select_account" or "login"'));
      }
      break;
    default:
      fail(at('type must be "oidc" or "oauth2"'));
  }

  if (runtime.timeoutMs !== undefined) {
    const t = runtime.timeoutMs;
    if (typeof t !== 'number' || !Number.isInteger(t) || t <= 0 || t > MAX_TIMEOUT_MS) {
      fail(at(`timeoutMs must be an integer between 1 and ${MAX_TIMEOUT_MS}`));
    }
  }
  if (runtime.refreshTimeoutMs !== undefined) {
    const t = runtime.refreshTimeoutMs;
    if (typeof t !== 'number' || !Number.isInteger(t) || t <= 0 || t > MAX_TIMEOUT_MS) {
      fail(at(`refreshTimeoutMs must be an integer between 1 and ${MAX_TIMEOUT_MS}`));
    }
    if (t < (runtime.timeoutMs ?? 0)) fail(at('refreshTimeoutMs must not be shorter than timeoutMs'));
  }
  if (runtime.fetch !== undefined && typeof runtime.fetch !== 'function')
    fail(at('fetch must be a function'));
  if (runtime.now !== undefined && typeof runtime.now !== 'function') fail(at('now must be a function'));
}

function fail(message: string): never {
  throw new UpstreamOptionsError('ERR_UPSTREAM_INVALID_OPTIONS', message);
}
