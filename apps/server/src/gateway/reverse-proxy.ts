import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';
import type { Logger } from 'pino';

/**
 * A streaming reverse proxy to one backend (http-proxy-middleware over http-proxy):
 * bodies and responses are piped, never buffered, so server-sent events pass
 * through event by event. The mount path is stripped (express sets `req.url`
 * relative to the mount point) and appended to the backend URL's path.
 */
export function reverseProxy(backend: string, logger: Logger): RequestHandler {
  const proxy = createProxyMiddleware<IncomingMessage, ServerResponse>({
    target: backend,
    changeOrigin: true,
    xfwd: true,
    proxyTimeout: 120_000,
    on: {
      proxyRes: (proxyRes) => {
        // SSE: ask intermediaries not to buffer.
        if (String(proxyRes.headers['content-type'] ?? '').startsWith('text/event-stream')) {
          proxyRes.headers['x-accel-buffering'] = 'no';
        }
      },
      error: (error, _req, res) => {
        logger.warn(
          { backend, err: { code: (error as NodeJS.ErrnoException).code, message: error.message } },
          'backend unreachable',
        );
        if ('writeHead' in res && !res.headersSent) {
          res.writeHead(502, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: 'bad_gateway', error_description: 'The backend did not answer.' }));
        } else if ('destroy' in res) {
          res.destroy();
        }
      },
    },
  });
  return proxy as unknown as RequestHandler;
}
