import type { Request, Response } from 'express';
import { OAuthError } from '../../oauth-error.js';
import { authenticateClient } from '../client-authentication.js';
import type { ServerContext } from '../context.js';
import { requiredFormParams } from '../params.js';
import { lostRequiredUpstream } from '../session-liveness.js';

/** Refresh tokens are `<grantId>.<secret>`, 66 characters; a longer value is never one (and storage refuses over-long ids). */
const MAX_REFRESH_TOKEN_LENGTH = 512;

const INACTIVE = { active: false } as const;

/**
 * `POST /oauth/introspect` (RFC 7662): for authenticated (confidential) clients. Access tokens
 * (any valid one, `token_type: Bearer`); refresh tokens only of the calling client, active while
 * they are the current token of a live grant (a rotated or revoked one is inactive). A token whose
 * session can no longer serve (its grant revoked, or a required upstream lost) is inactive too.
 * Anything else is `active: false`.
 */
export function introspectHandler(ctx: ServerContext) {
  return async (req: Request, res: Response): Promise<void> => {
    res.set({ 'Cache-Control': 'no-store' });
    const params = requiredFormParams(req);
    const token = params.required('token', 8192);
    const hint = params.optional('token_type_hint', 64);
    const client = await authenticateClient(ctx, req, params, { allowPublic: false });

    const tryAccess = async (): Promise<Record<string, unknown> | undefined> => {
      try {
        const claims = await ctx.tokens.verifyAccessToken(token);
        // RFC 7662 §2.2: a token of a revoked grant (its session's tokens deleted) is not active.
        if ((await lostRequiredUpstream(ctx, claims.tsid)) !== undefined) return INACTIVE;
        return { active: true, token_type: 'Bearer', ...claims };
      } catch (error) {
        if (error instanceof OAuthError) return undefined;
        throw error;
      }
    };
    const tryRefresh = async (): Promise<Record<string, unknown> | undefined> => {
      if (token.length > MAX_REFRESH_TOKEN_LENGTH) return undefined;
      const found = await ctx.storage.inspectRefreshToken(token);
      // A client learns nothing about another client's refresh tokens.
      if (found === undefined || found.grant.clientId !== client.clientId) return undefined;
      const { grant } = found;
      if (!found.current || grant.expiresAt <= ctx.now()) return INACTIVE;
      if ((await lostRequiredUpstream(ctx, grant.sessionId)) !== undefined) return INACTIVE;
      // RFC 7662 §2.2: token_type is an RFC 6749 §7.1 access token type; a refresh token has none.
      return {
        active: true,
        client_id: grant.clientId,
        ...(grant.scope.length === 0 ? {} : { scope: grant.scope.join(' ') }),
        sub: grant.userId,
        exp: Math.floor(grant.expiresAt / 1000),
        iss: ctx.issuer,
      };
    };

    const answer =
      hint === 'refresh_token'
        ? ((await tryRefresh()) ?? (await tryAccess()))
        : ((await tryAccess()) ?? (await tryRefresh()));
    res.json(answer ?? INACTIVE);
  };
}
