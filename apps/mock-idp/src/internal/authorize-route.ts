import type { Request, Response } from 'express';
import { readCookie, sessionCookie } from './cookies.js';
import { endpointPaths, type IdpContext } from './idp-context.js';
import { errorPage, loginPage } from './login-page.js';
import { OAuthError } from './oauth-error.js';
import { type Params, param } from './params.js';
import { isValidChallenge } from './pkce.js';
import { normalizeUsername } from './user-profile.js';

/** Parameters carried through the login form. */
const FORWARDED = [
  'client_id',
  'redirect_uri',
  'response_type',
  'scope',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
  'prompt',
] as const;

function isAbsoluteHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hash === '' && !value.includes('#');
  } catch {
    return false;
  }
}

/**
 * `GET|POST /authorize` (oidc) and `/login/oauth/authorize` (oauth2): RFC 6749 §4.1.1 with
 * PKCE (RFC 7636) and, in oidc mode, `iss` in the response (RFC 9207).
 */
export function authorizeHandler(ctx: IdpContext) {
  const title = ctx.mode === 'oidc' ? `Mock OIDC provider ${ctx.issuer}` : `Mock GitHub ${ctx.issuer}`;
  const action = ctx.basePath + endpointPaths(ctx.mode).authorize;

  return (req: Request, res: Response): void => {
    const params: Params = (req.method === 'POST' ? req.body : req.query) ?? {};
    const page = (status: number, error: string, description: string): void => {
      res
        .status(status)
        .type('html')
        .send(errorPage(title, error, description));
    };

    // 1. Client and redirect URI: an error page, never a redirect (RFC 6749 §4.1.2.1).
    let clientId: string | undefined;
    let givenRedirect: string | undefined;
    try {
      clientId = param(params, 'client_id');
      givenRedirect = param(params, 'redirect_uri');
    } catch (err) {
      page(400, 'invalid_request', err instanceof Error ? err.message : 'bad request');
      return;
    }
    if (clientId === undefined) {
      page(400, 'invalid_request', 'client_id is required');
      return;
    }
    if (clientId !== ctx.clientId) {
      page(400, 'invalid_client', 'unknown client_id');
      return;
    }
    let redirectUri: string;
    if (givenRedirect !== undefined) {
      const registered = ctx.redirectUris === undefined || ctx.redirectUris.includes(givenRedirect);
      if (!registered || !isAbsoluteHttpUrl(givenRedirect)) {
        page(400, 'invalid_request', 'redirect_uri is not registered for this client');
        return;
      }
      redirectUri = givenRedirect;
    } else if (ctx.mode === 'oauth2' && ctx.redirectUris?.length === 1 && ctx.redirectUris[0] !== undefined) {
      redirectUri = ctx.redirectUris[0]; // GitHub falls back to the registered callback URL
    } else {
      page(400, 'invalid_request', 'redirect_uri is required');
      return;
    }

    let state: string | undefined;
    try {
      state = param(params, 'state');
    } catch (err) {
      page(400, 'invalid_request', err instanceof Error ? err.message : 'bad request');
      return;
    }
    const respond = (result: Record<string, string>): void => {
      const url = new URL(redirectUri);
      for (const [k, v] of Object.entries(result)) url.searchParams.set(k, v);
      const stateFault = ctx.faults.take('response_state');
      if (state !== undefined && stateFault !== 'missing') url.searchParams.set('state', state);
      const issFault = ctx.faults.take('response_iss');
      if (issFault === 'wrong') url.searchParams.set('iss', `${ctx.issuer}/wrong-issuer`);
      else if (ctx.mode === 'oidc' && issFault !== 'missing') url.searchParams.set('iss', ctx.issuer);
      res.redirect(req.method === 'POST' ? 303 : 302, url.href);
    };

    // 2. Everything else is reported to the client by redirect.
    let request: {
      scope: string;
      nonce: string | undefined;
      challenge: string | undefined;
      prompt: string | undefined;
    };
    try {
      const responseType = param(params, 'response_type');
      if (responseType !== 'code' && !(ctx.mode === 'oauth2' && responseType === undefined)) {
        throw new OAuthError('unsupported_response_type', 'response_type must be code');
      }
      const challenge = param(params, 'code_challenge');
      const method = param(params, 'code_challenge_method');
      const pkceRequired = ctx.mode === 'oidc' || ctx.clientSecret === undefined;
      if (challenge === undefined) {
        if (pkceRequired)
          throw new OAuthError('invalid_request', 'PKCE is required: code_challenge with S256');
        if (method !== undefined)
          throw new OAuthError('invalid_request', 'code_challenge_method without code_challenge');
      } else {
        if (method !== 'S256') throw new OAuthError('invalid_request', 'code_challenge_method must be S256');
        if (!isValidChallenge(challenge)) throw new OAuthError('invalid_request', 'malformed code_challenge');
      }
      const nonce = param(params, 'nonce');
      if (nonce !== undefined && nonce.length > 512)
        throw new OAuthError('invalid_request', 'nonce is too long');
      const scope = param(params, 'scope') ?? '';
      const prompt = param(params, 'prompt');
      request = { scope, nonce, challenge, prompt };
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      respond({ error: err.error, error_description: err.message });
      return;
    }

    const authorizeError = ctx.faults.take('authorize_error');
    if (authorizeError !== undefined) {
      respond({ error: authorizeError, error_description: 'injected by the mock IdP' });
      return;
    }

    // 3. Who is the user: the IdP session, auto-login, or the login form.
    const sessionId = readCookie(req.headers.cookie, ctx.sessionCookieName);
    let username = sessionId === undefined ? undefined : ctx.tokens.sessionUser(sessionId);
    if (request.prompt === 'login') username = undefined;
    const posted = req.method === 'POST' ? normalizeUsername(params['username']) : undefined;
    if (posted !== undefined) username = posted;
    else if (username === undefined && ctx.autoLogin !== undefined) username = ctx.autoLogin;
    if (username === undefined) {
      if (request.prompt === 'none') {
        respond({ error: 'login_required', error_description: 'no session at the IdP' });
        return;
      }
      const forwarded: Record<string, string> = {};
      for (const name of FORWARDED) {
        const value = params[name];
        if (typeof value === 'string' && value !== '' && !(name === 'prompt' && value === 'login'))
          forwarded[name] = value;
      }
      const badPost = req.method === 'POST' && params['username'] !== undefined;
      res
        .status(badPost ? 400 : 200)
        .type('html')
        .send(
          loginPage({
            title,
            action,
            params: forwarded,
            ...(badPost ? { error: 'Enter a username (1 to 100 characters).' } : {}),
          }),
        );
      return;
    }
    if (posted !== undefined || sessionId === undefined || ctx.tokens.sessionUser(sessionId) !== username) {
      res.append('Set-Cookie', sessionCookie(ctx.sessionCookieName, ctx.tokens.startSession(username), '/'));
    }

    const code = ctx.tokens.issueCode({
      clientId,
      redirectUri: givenRedirect,
      codeChallenge: request.challenge,
      nonce: request.nonce,
      scope: request.scope,
      username,
    });
    ctx.logger.info({ mode: ctx.mode, username }, 'mock-idp: authorization code issued');
    respond({ code });
  };
}
