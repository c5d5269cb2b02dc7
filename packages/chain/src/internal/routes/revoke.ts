import type { Request, Response } from 'express';
import { OAuthError } from '../../oauth-error.js';
import { authenticateClient } from '../client-authentication.js';
import type { ServerContext } from '../context.js';
import { requiredFormParams } from '../params.js';

/** Refresh tokens are `<grantId>.<secret>`, 66 characters; a longer value is never one (and storage refuses over-long ids). */
const MAX_REFRESH_TOKEN_LENGTH = 512;

/**
 * `POST /oauth/revoke` (RFC 7009 §2): always 200 for unknown tokens. A refresh token
 * ends its whole grant and deletes the session's upstream tokens; an access token ends its session.
 */
export function revokeHandler(ctx: ServerContext) {
  return async (req: Request, res: Response): Promise<void> => {
    res.set({ 'Cache-Control': 'no-store' });
    const params = requiredFormParams(req);
    const token = params.required('token', 8192);
    const hint = params.optional('token_type_hint', 64);
    const client = await authenticateClient(ctx, req, params, { allowPublic: true });
    const tryRefresh = async () => {
      if (token.length > MAX_REFRESH_TOKEN_LENGTH) return false;
      const grant = await ctx.storage.findGrantByRefreshToken(token);
      if (grant === undefined || grant.clientId !== client.clientId) return false;
      await ctx.storage.revokeGrant(grant.grantId);
      await ctx.storage.deleteUpstreamTokens(grant.sessionId);
      ctx.logger.info(
        { event: 'token.revoked', kind: 'refresh_token', clientId: client.clientId },
        'grant revoked',
      );
      return true;
    };
    const tryAccess = async () => {
      try {
        const claims = await ctx.tokens.verifyAccessToken(token);
        if (claims.client_id !== client.clientId) return false;
        await ctx.storage.deleteUpstreamTokens(claims.tsid);
        ctx.logger.info(
          { event: 'token.revoked', kind: 'access_token', clientId: client.clientId },
          'session ended',
        );
        return true;
      } catch (error) {
        if (error instanceof OAuthError) return false;
        throw error;
      }
    };
    if (hint === 'access_token') {
      if (!(await tryAccess())) await tryRefresh();
    } else if (!(await tryRefresh())) {
      await tryAccess();
    }
    res.status(200).end();
  };
}
