import express, { type Request, type Response, type Router } from 'express';
import { MockIdpError } from '../mock-idp-error.js';
import { parseMockIdpFaults } from '../mock-idp-faults.js';
import type { IdpContext } from './idp-context.js';

/** The `/_mock/` test controls (docs/architecture.md#the-mock-idp). */
export function mockRoutes(ctx: IdpContext): Router {
  const router = express.Router();
  router.use(express.json({ limit: '16kb', strict: false }));
  router.post('/faults', (req: Request, res: Response) => {
    try {
      const faults = parseMockIdpFaults(req.body);
      ctx.faults.set(faults);
      ctx.logger.info({ faults: Object.keys(faults) }, 'mock-idp: faults set');
      res.status(200).json(ctx.faults.snapshot());
    } catch (err) {
      if (!(err instanceof MockIdpError)) throw err;
      res.status(400).json({ error: err.code, error_description: err.message });
    }
  });
  router.get('/faults', (_req: Request, res: Response) => {
    res.json(ctx.faults.snapshot());
  });
  router.delete('/faults', (_req: Request, res: Response) => {
    ctx.faults.clear();
    res.status(204).end();
  });
  router.get('/requests', (_req: Request, res: Response) => {
    res.json(ctx.requestLog.list());
  });
  router.delete('/requests', (_req: Request, res: Response) => {
    ctx.requestLog.clear();
    res.status(204).end();
  });
  router.post('/revoke', (_req: Request, res: Response) => {
    ctx.tokens.revokeAll();
    ctx.logger.info({}, 'mock-idp: every token revoked');
    res.status(204).end();
  });
  return router;
}
