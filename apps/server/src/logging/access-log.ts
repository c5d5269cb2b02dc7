import type { NextFunction, Request, Response } from 'express';
import pino, { type Logger } from 'pino';
import { clientAddress } from '../gateway/client-address.js';

/**
 * Express middleware that writes one JSON line per request (method, path,
 * status, duration, and the client's address as `clientAddress` believes it)
 * when the response finishes. The path only: query strings carry codes and state.
 *
 * The line goes to `logger`'s destination at its level and bindings, through a
 * pino instance without redaction: every field here is known and token-free,
 * and redaction was the largest part of the access log's cost per request.
 */
export function accessLog(logger: Logger): (req: Request, res: Response, next: NextFunction) => void {
  const stream = (logger as unknown as Record<symbol, pino.DestinationStream>)[pino.symbols.streamSym];
  const lines = pino(
    { level: logger.level, base: logger.bindings(), timestamp: pino.stdTimeFunctions.isoTime },
    stream,
  );
  if (!lines.isLevelEnabled('info')) return (_req, _res, next) => next();
  return (req, res, next) => {
    const started = performance.now();
    // Read now: routers strip their mount prefix from req.path.
    const path = req.path;
    const ip = clientAddress(req);
    res.once('finish', () => {
      lines.info(
        {
          method: req.method,
          path,
          status: res.statusCode,
          ms: Math.round((performance.now() - started) * 1000) / 1000,
          ip,
        },
        'request',
      );
    });
    next();
  };
}
