import { setTimeout as sleep } from 'node:timers/promises';
import type { Request, Response } from 'express';
import type { RecordedRequest } from '../recorded-request.js';
import { authenticateClient } from './client-auth.js';
import type { IdpContext } from './idp-context.js';
import { OAuthError } from './oauth-error.js';
import { type Params, param } from './params.js';
import { verifyPkce } from './pkce.js';
import { sendTokenBody, sendTokenError } from './token-response.js';
import type { TokenGrant } from './token-store.js';
import { userProfile } from './user-profile.js';

/** GitHub's error codes for what RFC 6749 calls `invalid_client` and `invalid_grant`. */
function githubCode(error: string, grantType: string | undefined): string {
  if (error === 'invalid_client') return 'incorrect_client_credentials';
  if (error === 'invalid_grant')
    return grantType === 'refresh_token' ? 'bad_refresh_token' : 'bad_verification_code';
  return error;
}

async function issueTokens(
  ctx: IdpContext,
  grant: TokenGrant,
  nonce: string | undefined,
): Promise<Record<string, string | number | undefined>> {
  const ttl = ctx.accessTokenTtlSeconds;
  const accessToken = ctx.tokens.issueAccessToken(grant, ttl);
  const refreshToken = ctx.refreshTokens ? ctx.tokens.issueRefreshToken(grant) : undefined;
  if (ctx.mode === 'oauth2') {
    return {
      access_token: accessToken,
      token_type: 'bearer',
      // GitHub separates granted scopes with commas.
      scope: grant.scope.split(' ').filter(Boolean).join(','),
      expires_in: ttl,
      refresh_token: refreshToken,
      refresh_token_expires_in: refreshToken === undefined ? undefined : 15_897_600,
    };
  }
  let idToken: string | undefined;
  if (grant.scope.split(' ').includes('openid')) {
    const profile = userProfile(grant.username);
    idToken = await ctx.signer.sign(
      {
        issuer: ctx.issuer,
        subject: grant.username,
        audience: grant.clientId,
        issuedAt: ctx.now(),
        ttlSeconds: ttl,
        nonce,
        authTime: grant.authTime,
        extra: { name: profile.name, email: profile.email, preferred_username: profile.username },
      },
      ctx.faults.take('id_token'),
    );
  }
  return {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: ttl,
    scope: grant.scope === '' ? undefined : grant.scope,
    refresh_token: refreshToken,
    id_token: idToken,
  };
}

async function authorizationCodeGrant(ctx: IdpContext, params: Params, clientId: string) {
  const code = param(params, 'code');
  if (code === undefined) throw new OAuthError('invalid_request', 'code is required');
  const consumed = ctx.tokens.consumeCode(code);
  if (consumed === 'unknown') throw new OAuthError('invalid_grant', 'unknown authorization code');
  if (consumed === 'expired') throw new OAuthError('invalid_grant', 'authorization code expired');
  if (consumed === 'replayed') throw new OAuthError('invalid_grant', 'authorization code already used');
  const { grant, grantId } = consumed;
  if (grant.clientId !== clientId) throw new OAuthError('invalid_grant', 'code was issued to another client');
  const redirectUri = param(params, 'redirect_uri');
  // RFC 6749 §4.1.3; GitHub lets the client omit it.
  if (grant.redirectUri !== undefined && redirectUri !== grant.redirectUri) {
    if (ctx.mode === 'oidc' || redirectUri !== undefined) {
      throw new OAuthError(
        ctx.mode === 'oidc' ? 'invalid_grant' : 'redirect_uri_mismatch',
        'redirect_uri mismatch',
      );
    }
  }
  const verifier = param(params, 'code_verifier');
  if (grant.codeChallenge !== undefined) {
    if (verifier === undefined) throw new OAuthError('invalid_grant', 'code_verifier is required');
    if (!verifyPkce(verifier, grant.codeChallenge))
      throw new OAuthError('invalid_grant', 'PKCE verification failed');
  } else if (verifier !== undefined) {
    throw new OAuthError('invalid_grant', 'code_verifier given but no code_challenge was');
  }
  return issueTokens(
    ctx,
    { clientId, scope: grant.scope, username: grant.username, authTime: grant.authTime, grantId },
    grant.nonce,
  );
}

async function refreshTokenGrant(ctx: IdpContext, params: Params, clientId: string) {
  const refreshError = ctx.faults.take('refresh_error');
  if (refreshError !== undefined) throw new OAuthError(refreshError, 'injected by the mock IdP', 400, true);
  const refreshToken = param(params, 'refresh_token');
  if (refreshToken === undefined) throw new OAuthError('invalid_request', 'refresh_token is required');
  // RFC 9700 §4.14.2: rotation; the presented token is spent whatever happens next.
  const grant = ctx.tokens.consumeRefreshToken(refreshToken);
  if (grant === undefined) throw new OAuthError('invalid_grant', 'unknown, rotated or revoked refresh token');
  if (grant.clientId !== clientId) throw new OAuthError('invalid_grant', 'refresh token of another client');
  return issueTokens(ctx, grant, undefined);
}

/** `POST /token` (oidc) and `/login/oauth/access_token` (oauth2): RFC 6749 §4.1.3 and §6. */
export function tokenHandler(ctx: IdpContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const params: Params = req.body ?? {};
    let grantType: string | undefined;
    try {
      // The faults in force when the request arrived are its own: a delayed request must not take a
      // fault set while it slept (that one belongs to the next request).
      const delay = ctx.faults.take('token_delay_ms');
      const status = ctx.faults.take('token_status');
      const error = ctx.faults.take('token_error');
      if (delay !== undefined && delay > 0) {
        try {
          await sleep(delay, undefined, { signal: ctx.closing });
        } catch {
          return; // closing: the connection is being torn down
        }
      }
      if (status !== undefined || error !== undefined) {
        const code = error ?? (status !== undefined && status >= 500 ? 'server_error' : 'invalid_request');
        sendTokenError(ctx, req, res, {
          error: code,
          description: 'injected by the mock IdP',
          ...(status === undefined ? {} : { status }),
        });
        return;
      }
      grantType = param(params, 'grant_type');
      // GitHub takes a code exchange without grant_type.
      if (grantType === undefined && ctx.mode === 'oauth2') grantType = 'authorization_code';
      const method = authenticateClient(req.headers.authorization, params, ctx);
      const ref = res.locals['recorded'] as RecordedRequest | undefined;
      if (ref !== undefined) ref.params['client_auth'] = method;
      let body: Record<string, string | number | undefined>;
      if (grantType === 'authorization_code') body = await authorizationCodeGrant(ctx, params, ctx.clientId);
      else if (grantType === 'refresh_token') body = await refreshTokenGrant(ctx, params, ctx.clientId);
      else if (grantType === undefined) throw new OAuthError('invalid_request', 'grant_type is required');
      else throw new OAuthError('unsupported_grant_type', 'only authorization_code and refresh_token');
      sendTokenBody(ctx, req, res, 200, body);
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      ctx.logger.info({ mode: ctx.mode, error: err.error }, 'mock-idp: token request refused');
      const isOauth2 = ctx.mode === 'oauth2';
      sendTokenError(ctx, req, res, {
        error: isOauth2 && !err.injected ? githubCode(err.error, grantType) : err.error,
        description: err.message,
        ...(isOauth2 ? {} : { status: err.status }),
        basicChallenge: err.error === 'invalid_client' && req.headers.authorization !== undefined,
      });
    }
  };
}
