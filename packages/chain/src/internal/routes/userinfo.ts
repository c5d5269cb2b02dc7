import { bearerChallenge } from '@auth/protocol';
import type { Request, Response } from 'express';
import { OAuthError } from '../../oauth-error.js';
import { bearerError, bearerTokenOf } from '../bearer-request.js';
import type { ServerContext } from '../context.js';
import { lostRequiredUpstream } from '../session-liveness.js';

/**
 * `GET/POST /oauth/userinfo` (OIDC Core §5.3): a Bearer access token in the Authorization header
 * (RFC 6750 §2.1) or a POST form body (§2.2), whose audience names this server (RFC 9068 §4: the
 * token issuer adds itself when `openid` is granted) and whose scope holds `openid`.
 */
export function userinfoHandler(ctx: ServerContext) {
  return async (req: Request, res: Response): Promise<void> => {
    res.set({ 'Cache-Control': 'no-store' });
    const token = bearerTokenOf(req);
    if (token === undefined) {
      throw new OAuthError('invalid_token', 'a bearer token is required', {
        wwwAuthenticate: bearerChallenge(),
      });
    }
    let claims: Awaited<ReturnType<typeof ctx.tokens.verifyAccessToken>>;
    try {
      claims = await ctx.tokens.verifyAccessToken(token);
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
    // RFC 6750 §3: the challenge names the scope the endpoint needs.
    if (!scopes.includes('openid'))
      throw bearerError('insufficient_scope', 'the openid scope is required', 'openid');
    const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audience.includes(ctx.issuer))
      throw bearerError('invalid_token', 'the access token is not intended for this server');
    const user = await ctx.storage.getUser(claims.sub);
    if (user === undefined) throw bearerError('invalid_token', 'the access token is invalid or expired');
    res.json({
      sub: user.id,
      ...(scopes.includes('profile') && user.name !== undefined ? { name: user.name } : {}),
      ...(scopes.includes('email') && user.email !== undefined ? { email: user.email } : {}),
    });
  };
}
