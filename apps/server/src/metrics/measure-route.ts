import type { RequestHandler } from 'express';

/**
 * Reports each request on a protected route when its response ends (or its connection closes):
 * the configured `route` path, never the request's own path, the status and the duration.
 */
export function measureRoute(
  route: string,
  report: (route: string, status: number, seconds: number) => void,
): RequestHandler {
  return (_req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('close', () => {
      report(route, res.statusCode, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };
}
