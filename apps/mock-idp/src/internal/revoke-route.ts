import type { Request, Response } from 'express';
import { authenticateClient } from './client-auth.js';
import type { IdpContext } from './idp-context.js';
import { OAuthError } from './oauth-error.js';
import { type Params, param } from './params.js';

/** `POST /revoke` (RFC 7009 §2): authenticated client; 200 even for an unknown token (§2.2). */
export function revokeHandler(ctx: IdpContext) {
  return (req: Request, res: Response): void => {
    const params: Params = req.body ?? {};
    try {
      authenticateClient(req.headers.authorization, params, ctx);
      const token = param(params, 'token');
      if (token === undefined) throw new OAuthError('invalid_request', 'token is required');
      ctx.tokens.revokeToken(token, ctx.clientId);
      res.status(200).end();
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      if (err.error === 'invalid_client' && req.headers.authorization !== undefined) {
        res.set('WWW-Authenticate', 'Basic realm="mock-idp"');
      }
      res.status(err.status).json({ error: err.error, error_description: err.message });
    }
  };
}
