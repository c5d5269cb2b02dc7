import type { Storage } from '@auth/storage';
import { Router } from 'express';
import type { Logger } from 'pino';

/** `/healthz` (the process answers) and `/readyz` (storage reachable). */
export function healthRoutes(storage: Pick<Storage, 'ping'>, logger: Logger): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    try {
      await storage.ping();
      res.json({ status: 'ready' });
    } catch (error) {
      logger.warn(
        { err: { name: (error as Error).name, message: (error as Error).message } },
        'storage not ready',
      );
      res.status(503).json({ status: 'unavailable', reason: 'storage unreachable' });
    }
  });
  return router;
}
