import type { Request, Response } from 'express';
import { OAuthError } from '../../oauth-error.js';
import { authenticateClient } from '../client-authentication.js';
import type { ServerContext } from '../context.js';
import { requiredFormParams } from '../params.js';

/** `POST /oauth/introspect` (RFC 7662): for authenticated (confidential) clients; access tokens only. */
export function introspectHandler(ctx: ServerContext) {
  return async (req: Request, res: Response): Promise<void> => {
    res.set({ 'Cache-Control': 'no-store' });
    const params = requiredFormParams(req);
    const token = params.required('token', 8192);
    params.optional('token_type_hint', 64);
    await authenticateClient(ctx, req, params, { allowPublic: false });
    try {
      const claims = await ctx.tokens.verifyAccessToken(token);
      res.json({ active: true, token_type: 'Bearer', ...claims });
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      res.json({ active: false });
    }
  };
}
