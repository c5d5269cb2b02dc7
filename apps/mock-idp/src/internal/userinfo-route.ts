import type { Request, Response } from 'express';
import type { IdpContext } from './idp-context.js';
import { userProfile } from './user-profile.js';

/** RFC 6750 §2.1 `Bearer`; GitHub also accepts `token <value>`. */
function bearer(req: Request, mode: IdpContext['mode']): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  const match = (mode === 'oauth2' ? /^(?:Bearer|token)\s+(\S+)\s*$/i : /^Bearer\s+(\S+)\s*$/i).exec(header);
  return match?.[1];
}

/**
 * `GET|POST /userinfo` (OIDC Core §5.3) and GitHub's `GET /user`: only live tokens of this
 * instance are accepted.
 */
export function userinfoHandler(ctx: IdpContext) {
  return (req: Request, res: Response): void => {
    res.set('Cache-Control', 'no-store');
    const faultStatus = ctx.faults.take('userinfo_status');
    if (faultStatus !== undefined) {
      if (faultStatus === 401 && ctx.mode === 'oidc')
        res.set('WWW-Authenticate', 'Bearer error="invalid_token"');
      const body =
        ctx.mode === 'oauth2'
          ? { message: 'injected by the mock IdP' }
          : {
              error: faultStatus === 401 ? 'invalid_token' : 'server_error',
              error_description: 'injected by the mock IdP',
            };
      res.status(faultStatus).json(body);
      return;
    }
    const token = bearer(req, ctx.mode);
    const grant = token === undefined ? undefined : ctx.tokens.liveAccessToken(token);
    if (grant === undefined) {
      if (ctx.mode === 'oauth2') {
        res
          .status(401)
          .json({ message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
        return;
      }
      // RFC 6750 §3: no error code when the request carried no token at all.
      res
        .status(401)
        .set('WWW-Authenticate', token === undefined ? 'Bearer' : 'Bearer error="invalid_token"')
        .json(token === undefined ? { error: 'invalid_request' } : { error: 'invalid_token' });
      return;
    }
    const profile = userProfile(grant.username);
    if (ctx.mode === 'oauth2') {
      res.json({
        id: profile.id,
        login: profile.username,
        name: profile.name,
        email: profile.email,
        type: 'User',
      });
      return;
    }
    res.json({
      sub: profile.username,
      name: profile.name,
      email: profile.email,
      preferred_username: profile.username,
    });
  };
}
