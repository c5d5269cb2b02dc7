import { type BearerErrorCode, bearerChallenge } from '@auth/protocol';
import type { Request, Response } from 'express';
import { OAuthError } from '../../oauth-error.js';
import type { ServerContext } from '../context.js';
import { lostRequiredUpstream } from '../session-liveness.js';

function bearerError(error: BearerErrorCode, description: string) {
  return new OAuthError(error, description, {
    wwwAuthenticate: bearerChallenge({ error, errorDescription: description }),
    ...(error === 'invalid_request' ? { status: 400 } : {}),
  });
}

/** `GET/POST /oauth/userinfo` (OIDC Core §5.3): Bearer access token in the Authorization header (RFC 6750 §2.1). */
export function userinfoHandler(ctx: ServerContext) {
  return async (req: Request, res: Response): Promise<void> => {
    res.set({ 'Cache-Control': 'no-store' });
    const header = req.headers.authorization;
    if (header === undefined) {
      throw new OAuthError('invalid_token', 'a bearer token is required', {
        wwwAuthenticate: bearerChallenge(),
      });
    }
    const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(header);
    if (match === null) throw bearerError('invalid_request', 'malformed Authorization header');
    let claims: Awaited<ReturnType<typeof ctx.tokens.verifyAccessToken>>;
    try {
      claims = await ctx.tokens.verifyAccessToken(match[1]!);
    } catch (error) {
      if (error instanceof OAuthError)
        throw bearerError('invalid_token', 'the access token is invalid or expired');
      throw error;
    }
    // RFC 7009 §2: once its grant is revoked (the session's tokens deleted), the token is refused.
    if ((await lostRequiredUpstream(ctx, claims.tsid)) !== undefined)
      throw bearerError('invalid_token', 'the access token is invalid or expired');
    // RFC 9068 §2.2.3: scope is optional; a token without it grants none.
    const scopes = (claims.scope ?? '').split(' ');
    if (!scopes.includes('openid')) throw bearerError('insufficient_scope', 'the openid scope is required');
    const user = await ctx.storage.getUser(claims.sub);
    if (user === undefined) throw bearerError('invalid_token', 'the access token is invalid or expired');
    res.json({
      sub: user.id,
      ...(scopes.includes('profile') && user.name !== undefined ? { name: user.name } : {}),
      ...(scopes.includes('email') && user.email !== undefined ? { email: user.email } : {}),
    });
  };
}
