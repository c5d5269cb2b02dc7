import type { Request, Response } from 'express';
import type { RecordedLogin, RecordedLoginReason, RecordedRequest } from '../recorded-request.js';
import {
  type AuthorizationRequest,
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
import type { IdpSession } from './token-store.js';
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
 * Whether the request asks for a fresh sign-in (OIDC Core §3.1.2.1), and why: `prompt=login`,
 * `max_age=0` or a session older than `max_age`; and GitHub's `prompt=select_account`, whose
 * account picker is the login form here.
 */
function freshSignInReason(
  request: AuthorizationRequest,
  session: IdpSession | undefined,
  now: number,
): RecordedLoginReason | undefined {
  if (request.prompt.includes('login')) return 'prompt_login';
  if (request.prompt.includes('select_account')) return 'prompt_select_account';
  const { maxAge } = request;
  if (maxAge === 0) return 'max_age';
  if (maxAge !== undefined && session !== undefined && now - session.authTime > maxAge * 1000)
    return 'max_age';
  return undefined;
}

/**
 * `GET|POST /authorize` (oidc) and `/login/oauth/authorize` (oauth2): RFC 6749 §4.1.1 with
 * PKCE (RFC 7636) and, in oidc mode, `iss` in the response (RFC 9207). The login form posts
 * back here with a `username`.
 */
export function authorizeHandler(ctx: IdpContext) {
  const title = ctx.title;
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

    let request: AuthorizationRequest;
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

    // Who is the user: the posted form, the IdP session, or auto-login; unless the request asks
    // for a fresh sign-in, which only the form can give.
    const now = ctx.now();
    const sessionId = readCookie(req.headers.cookie, ctx.sessionCookieName);
    const session = sessionId === undefined ? undefined : ctx.tokens.session(sessionId);
    const posted = req.method === 'POST' ? normalizeUsername(params['username']) : undefined;
    let reason = freshSignInReason(request, session, now);
    const ignored = reason !== undefined && ctx.faults.take('ignore_prompt') === true;
    const login: RecordedLogin = {
      action: 'form',
      ...(reason === undefined ? {} : { reason }),
      ...(ignored ? { ignored: true } : {}),
    };
    if (ignored) reason = undefined;
    let signedIn: IdpSession | undefined;
    if (posted !== undefined) {
      signedIn = { username: posted, authTime: now };
      login.action = 'form_post';
    } else if (reason === undefined && session !== undefined) {
      signedIn = session;
      login.action = 'session';
    } else if (reason === undefined && ctx.autoLogin !== undefined) {
      signedIn = { username: ctx.autoLogin, authTime: now };
      login.action = 'auto_login';
    }
    const recorded = res.locals['recorded'] as RecordedRequest | undefined;
    if (recorded !== undefined) recorded.login = login;
    if (signedIn === undefined) {
      if (request.prompt.includes('none')) {
        login.action = 'login_required';
        redirect({ error: 'login_required', error_description: 'no usable session at the IdP' });
        return;
      }
      const forwarded: Record<string, string> = {};
      for (const name of FORWARDED) {
        const value = params[name];
        if (typeof value === 'string' && value !== '') forwarded[name] = value;
      }
      const badPost = req.method === 'POST' && params['username'] !== undefined;
      const error = badPost ? { error: 'Enter a username (1 to 100 characters).' } : {};
      ctx.logger.info({ mode: ctx.mode, reason: reason ?? 'no_session' }, 'mock-idp: login form shown');
      res
        .status(badPost ? 400 : 200)
        .type('html')
        .send(loginPage({ title, action, params: forwarded, ...error }));
      return;
    }
    const { username, authTime } = signedIn;
    login.username = username;
    login.authTime = Math.floor(authTime / 1000);
    if (login.action !== 'session') {
      // A fresh authentication: a new IdP session remembers when it happened.
      res.append('Set-Cookie', sessionCookie(ctx.sessionCookieName, ctx.tokens.startSession(signedIn), '/'));
    }

    const code = ctx.tokens.issueCode({
      clientId: target.clientId,
      redirectUri: target.givenRedirectUri,
      codeChallenge: request.codeChallenge,
      nonce: request.nonce,
      scope: request.scope,
      username,
      authTime,
    });
    ctx.logger.info({ mode: ctx.mode, username, login: login.action }, 'mock-idp: authorization code issued');
    redirect({ code });
  };
}
