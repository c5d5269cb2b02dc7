import type { Request, Response } from 'express';
import {
  type AuthorizationTarget,
  authorizationRequest,
  authorizationTarget,
} from './authorization-request.js';
import { sendAuthorizationResponse } from './authorization-response.js';
import { readCookie, sessionCookie } from './cookies.js';
import { endpointPaths, type IdpContext } from './idp-context.js';
import { errorPage, loginPage } from './login-page.js';
import { OAuthError } from './oauth-error.js';
import type { Params } from './params.js';
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
] as const;

/**
 * `GET|POST /authorize` (oidc) and `/login/oauth/authorize` (oauth2): RFC 6749 §4.1.1 with
 * PKCE (RFC 7636) and, in oidc mode, `iss` in the response (RFC 9207). The login form posts
 * back here with a `username`.
 */
export function authorizeHandler(ctx: IdpContext) {
  const title = ctx.mode === 'oidc' ? `Mock OIDC provider ${ctx.issuer}` : `Mock GitHub ${ctx.issuer}`;
  const action = ctx.basePath + endpointPaths(ctx.mode).authorize;

  return (req: Request, res: Response): void => {
    const params: Params = (req.method === 'POST' ? req.body : req.query) ?? {};

    let target: AuthorizationTarget;
    try {
      target = authorizationTarget(ctx, params);
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      res
        .status(400)
        .type('html')
        .send(errorPage(title, err.error, err.message));
      return;
    }
    const redirect = (result: Record<string, string>): void => {
      sendAuthorizationResponse(ctx, req, res, target, result);
    };

    let request: ReturnType<typeof authorizationRequest>;
    try {
      request = authorizationRequest(ctx, params);
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      redirect({ error: err.error, error_description: err.message });
      return;
    }
    const authorizeError = ctx.faults.take('authorize_error');
    if (authorizeError !== undefined) {
      redirect({ error: authorizeError, error_description: 'injected by the mock IdP' });
      return;
    }

    // Who is the user: the posted form, the IdP session, or auto-login.
    const sessionId = readCookie(req.headers.cookie, ctx.sessionCookieName);
    const sessionUser = sessionId === undefined ? undefined : ctx.tokens.sessionUser(sessionId);
    const posted = req.method === 'POST' ? normalizeUsername(params['username']) : undefined;
    const username = posted ?? (request.prompt === 'login' ? undefined : sessionUser) ?? ctx.autoLogin;
    if (username === undefined) {
      if (request.prompt === 'none') {
        redirect({ error: 'login_required', error_description: 'no session at the IdP' });
        return;
      }
      const forwarded: Record<string, string> = {};
      for (const name of FORWARDED) {
        const value = params[name];
        if (typeof value === 'string' && value !== '') forwarded[name] = value;
      }
      const badPost = req.method === 'POST' && params['username'] !== undefined;
      const error = badPost ? { error: 'Enter a username (1 to 100 characters).' } : {};
      res
        .status(badPost ? 400 : 200)
        .type('html')
        .send(loginPage({ title, action, params: forwarded, ...error }));
      return;
    }
    if (sessionUser !== username) {
      res.append('Set-Cookie', sessionCookie(ctx.sessionCookieName, ctx.tokens.startSession(username), '/'));
    }

    const code = ctx.tokens.issueCode({
      clientId: target.clientId,
      redirectUri: target.givenRedirectUri,
      codeChallenge: request.codeChallenge,
      nonce: request.nonce,
      scope: request.scope,
      username,
    });
    ctx.logger.info({ mode: ctx.mode, username }, 'mock-idp: authorization code issued');
    redirect({ code });
  };
}
