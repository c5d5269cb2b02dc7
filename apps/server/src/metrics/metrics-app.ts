import express, { type Express } from 'express';
import type { GatewayMetrics } from './gateway-metrics.js';

/** The app of the separate metrics listener (`metrics.listen`): `GET path` and nothing else (404). */
export function metricsApp(metrics: GatewayMetrics, path: string): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get(path, metrics.handler);
  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found' });
  });
  return app;
}
