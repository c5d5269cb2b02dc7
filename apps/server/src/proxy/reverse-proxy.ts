import type { ServerResponse } from 'node:http';
import type { Request } from 'express';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { errors } from 'undici';
import { forwardedFields } from './forwarded-headers.js';
import { requestHeadersForBackend, responseHeadersForClient } from './hop-by-hop-headers.js';
import { withoutAccessToken } from './without-access-token.js';

function badGateway(res: ServerResponse, status: 502 | 504, description: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(
    JSON.stringify({
      error: status === 504 ? 'gateway_timeout' : 'bad_gateway',
      error_description: description,
    }),
  );
}

/**
 * A streaming reverse proxy to one backend over a pool of kept-alive
 * connections (undici). Request and response bodies are piped, never buffered,
 * so server-sent events pass through event by event and large bodies in
 * constant memory; hop-by-hop fields are dropped both ways (RFC 9110 §7.6.1), and the
 * client's `Forwarded`/`X-Forwarded-*`/`X-Real-IP` give way to the gateway's own
 * (express's `trust proxy` decides what of them it believes).
 * The mount path is stripped (express sets `req.url` relative to the mount
 * point) and appended to the backend URL's path; an `access_token` query
 * parameter is never forwarded.
 */
export function reverseProxy(
  backend: string,
  pool: Dispatcher,
  logger: Logger,
): (req: Request, res: ServerResponse) => void {
  const target = new URL(backend);
  const prefix = target.pathname.endsWith('/') ? target.pathname.slice(0, -1) : target.pathname;

  const factory = ({
    statusCode,
    headers,
    opaque,
  }: Dispatcher.StreamFactoryData<ServerResponse>): ServerResponse => {
    const res = opaque;
    const out = responseHeadersForClient(headers);
    // SSE: ask intermediaries not to buffer.
    if (String(out['content-type'] ?? '').startsWith('text/event-stream')) out['x-accel-buffering'] = 'no';
    res.writeHead(statusCode, out);
    return res;
  };

  return (req, res) => {
    const abort = new AbortController();
    const onClose = () => {
      if (!res.writableFinished) abort.abort();
    };
    res.once('close', onClose);
    const hasBody =
      req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
    const headers = requestHeadersForBackend(req.headers, target.host, forwardedFields(req));
    pool.stream<ServerResponse>(
      {
        path: prefix + withoutAccessToken(req.url ?? '/'),
        method: req.method as Dispatcher.HttpMethod,
        headers,
        body: hasBody ? req : null,
        opaque: res,
        signal: abort.signal,
      },
      factory,
      (error) => {
        res.off('close', onClose);
        if (error === null || abort.signal.aborted) return;
        const timeout =
          error instanceof errors.HeadersTimeoutError || error instanceof errors.ConnectTimeoutError;
        logger.warn(
          { backend, err: { code: (error as NodeJS.ErrnoException).code, message: error.message } },
          timeout ? 'backend timed out' : 'backend unreachable',
        );
        if (!res.headersSent) {
          badGateway(
            res,
            timeout ? 504 : 502,
            timeout ? 'The backend did not answer in time.' : 'The backend did not answer.',
          );
        } else {
          res.destroy();
        }
      },
    );
  };
}
