import type { IdpContext } from './idp-context.js';
import { OAuthError } from './oauth-error.js';
import { type Params, param } from './params.js';
import { isValidChallenge } from './pkce.js';

/** Who is asking and where the answer goes: decided before anything may be redirected. */
export interface AuthorizationTarget {
  clientId: string;
  /** Where the browser is sent back to. */
  redirectUri: string;
  /** The `redirect_uri` the request carried (bound to the code, RFC 6749 §4.1.3). */
  givenRedirectUri: string | undefined;
  state: string | undefined;
}

/** The rest of an authorization request, once valid. */
export interface AuthorizationRequest {
  scope: string;
  nonce: string | undefined;
  codeChallenge: string | undefined;
  /** OIDC Core §3.1.2.1 `prompt`, split on spaces. */
  prompt: string[];
  /** OIDC Core §3.1.2.1 `max_age` in seconds. */
  maxAge: number | undefined;
}

function isAbsoluteHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && !value.includes('#');
  } catch {
    return false;
  }
}

/**
 * RFC 6749 §4.1.2.1: an unknown client or a redirect URI that is not registered must not be
 * redirected to. Throws an `OAuthError` to show on an error page.
 */
export function authorizationTarget(ctx: IdpContext, params: Params): AuthorizationTarget {
  const clientId = param(params, 'client_id');
  const given = param(params, 'redirect_uri');
  const state = param(params, 'state');
  if (clientId === undefined) throw new OAuthError('invalid_request', 'client_id is required');
  if (clientId !== ctx.clientId) throw new OAuthError('invalid_client', 'unknown client_id');
  if (given !== undefined) {
    const registered = ctx.redirectUris === undefined || ctx.redirectUris.includes(given);
    if (!registered || !isAbsoluteHttpUrl(given)) {
      throw new OAuthError('invalid_request', 'redirect_uri is not registered for this client');
    }
    return { clientId, redirectUri: given, givenRedirectUri: given, state };
  }
  const only = ctx.redirectUris?.length === 1 ? ctx.redirectUris[0] : undefined;
  // GitHub falls back to the one registered callback URL; OIDC requires the parameter.
  if (ctx.mode === 'oauth2' && only !== undefined) {
    return { clientId, redirectUri: only, givenRedirectUri: undefined, state };
  }
  throw new OAuthError('invalid_request', 'redirect_uri is required');
}

/** Validates the rest (RFC 6749 §4.1.1, RFC 7636 §4.3); errors are redirected to the client. */
export function authorizationRequest(ctx: IdpContext, params: Params): AuthorizationRequest {
  const responseType = param(params, 'response_type');
  if (responseType !== 'code' && !(ctx.mode === 'oauth2' && responseType === undefined)) {
    throw new OAuthError('unsupported_response_type', 'response_type must be code');
  }
  const codeChallenge = param(params, 'code_challenge');
  const method = param(params, 'code_challenge_method');
  if (codeChallenge === undefined) {
    // PKCE is required in oidc mode and for public clients; a GitHub app with a secret may skip it.
    if (ctx.mode === 'oidc' || ctx.clientSecret === undefined) {
      throw new OAuthError('invalid_request', 'PKCE is required: code_challenge with S256');
    }
    if (method !== undefined)
      throw new OAuthError('invalid_request', 'code_challenge_method without code_challenge');
  } else {
    if (method !== 'S256') throw new OAuthError('invalid_request', 'code_challenge_method must be S256');
    if (!isValidChallenge(codeChallenge)) throw new OAuthError('invalid_request', 'malformed code_challenge');
  }
  const nonce = param(params, 'nonce');
  if (nonce !== undefined && nonce.length > 512) throw new OAuthError('invalid_request', 'nonce is too long');
  const prompt = (param(params, 'prompt') ?? '').split(' ').filter((value) => value !== '');
  if (prompt.includes('none') && prompt.length > 1)
    throw new OAuthError('invalid_request', 'prompt=none must not be combined with other values');
  const maxAgeText = param(params, 'max_age');
  if (maxAgeText !== undefined && !/^\d{1,10}$/.test(maxAgeText))
    throw new OAuthError('invalid_request', 'max_age must be a non-negative integer (seconds)');
  const maxAge = maxAgeText === undefined ? undefined : Number(maxAgeText);
  return { scope: param(params, 'scope') ?? '', nonce, codeChallenge, prompt, maxAge };
}
