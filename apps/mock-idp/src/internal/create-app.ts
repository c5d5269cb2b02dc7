import express, { type NextFunction, type Request, type Response } from 'express';
import { authorizeHandler } from './authorize-route.js';
import { discoveryDocument } from './discovery.js';
import { endpointPaths, type IdpContext } from './idp-context.js';
import { mockRoutes } from './mock-routes.js';
import { allParams } from './params.js';
import { revokeHandler } from './revoke-route.js';
import { tokenHandler } from './token-route.js';
import { userinfoHandler } from './userinfo-route.js';

function statusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const status = (err as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

/** The express application of one instance, mounted under the issuer's path. */
export function createApp(ctx: IdpContext): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  const router = express.Router();
  const paths = endpointPaths(ctx.mode);

  router.use('/_mock', mockRoutes(ctx));
  router.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 100 }));
  router.use((req: Request, res: Response, next: NextFunction) => {
    const path = ctx.basePath + req.path;
    res.locals['recorded'] = ctx.requestLog.record(req.method, path, allParams(req.query, req.body));
    ctx.logger.debug({ method: req.method, path }, 'mock-idp: request');
    next();
  });

  if (ctx.mode === 'oidc') {
    router.get('/.well-known/openid-configuration', (_req: Request, res: Response) => {
      res.json(discoveryDocument(ctx));
    });
    router.get('/jwks', (_req: Request, res: Response) => {
      res.type('application/jwk-set+json').json(ctx.signer.jwks());
    });
    router.post('/revoke', revokeHandler(ctx));
  }
  const authorize = authorizeHandler(ctx);
  router.get(paths.authorize, authorize);
  router.post(paths.authorize, authorize);
  router.post(paths.token, tokenHandler(ctx));
  const userinfo = userinfoHandler(ctx);
  router.get(paths.userinfo, userinfo);
  if (ctx.mode === 'oidc') router.post(paths.userinfo, userinfo);

  app.use(ctx.basePath === '' ? '/' : ctx.basePath, router);
  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: 'not_found' });
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = statusOf(err);
    if (status !== undefined) {
      res.status(status).json({ error: 'invalid_request', error_description: 'malformed request' });
      return;
    }
    // The error's name and message only: never a request value.
    const detail = err instanceof Error ? { err: err.name, message: err.message } : { err: typeof err };
    ctx.logger.error(detail, 'mock-idp: unexpected error');
    if (!res.headersSent)
      res.status(500).json({ error: 'server_error', error_description: 'unexpected error' });
  });
  return app;
}
