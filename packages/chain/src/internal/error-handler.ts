import type { Logger } from '@auth/protocol';
import { StorageUnavailableError } from '@auth/storage';
import type { NextFunction, Request, Response } from 'express';
import { OAuthError } from '../oauth-error.js';
import { describeError } from './chain-error.js';
import { logRoute } from './log-route.js';

/**
 * Errors of the body parsers and the router (http-errors style) carry a 4xx `status`,
 * e.g. a path parameter that is not valid percent-encoding.
 */
function clientInputError(error: unknown): OAuthError | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const { status, type } = error as { status?: unknown; type?: unknown };
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  if (type === 'entity.too.large')
    return new OAuthError('invalid_request', 'the request body is too large', { status: 413 });
  if (type === 'charset.unsupported' || type === 'encoding.unsupported')
    return new OAuthError('invalid_request', 'unsupported body encoding', { status: 415 });
  return new OAuthError('invalid_request', 'the request is malformed', { status: 400 });
}

/** Maps an error to an OAuth error: typed errors keep their code, anything unknown becomes `server_error`. */
export function toOAuthError(error: unknown): OAuthError {
  if (error instanceof OAuthError) return error;
  const parsed = clientInputError(error);
  if (parsed !== undefined) return parsed;
  if (error instanceof StorageUnavailableError)
    return new OAuthError('temporarily_unavailable', 'the service is temporarily unavailable');
  return new OAuthError('server_error', 'an unexpected error occurred');
}

/** The one error middleware: RFC 6749 §5.2 JSON, never an HTML 500 page. */
export function errorHandler(logger: Logger) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const mapped = toOAuthError(error);
    const fields = {
      event: 'request.error',
      route: logRoute(req),
      sent: mapped.error,
      ...describeError(error),
    };
    if (mapped.status >= 500) logger.error(fields, 'request failed');
    else logger.info(fields, 'request rejected');
    if (res.headersSent) {
      res.end();
      return;
    }
    if (mapped.wwwAuthenticate !== undefined) res.set('WWW-Authenticate', mapped.wwwAuthenticate);
    if (mapped.retryAfterSeconds !== undefined) res.set('Retry-After', String(mapped.retryAfterSeconds));
    // RFC 6749 §5.1: no-store and no-cache, also for errors raised before a handler ran (body parser, method).
    res.status(mapped.status).set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' }).json(mapped.toJSON());
  };
}
