import { type Listening, listen } from '@auth/test-kit';
import express, { type RequestHandler } from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';

/** A gateway: `handlers` on `/mcp`, then a real reverse proxy (http-proxy-middleware) to `backend`. */
export async function startGateway(backend: string, handlers: RequestHandler[]): Promise<Listening> {
  const app = express();
  app.use('/mcp', ...handlers, createProxyMiddleware({ target: backend, changeOrigin: true }));
  const server = await listen(app);
  return { ...server, url: `${server.url}/mcp` };
}
