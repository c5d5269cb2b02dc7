import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type RequestHandler } from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';

export interface Running {
  url: string;
  close(): Promise<void>;
}

function closer(server: Server): () => Promise<void> {
  return () =>
    new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A backend (MCP server stand-in) that answers with the request headers it received. */
export async function startEchoBackend(): Promise<Running> {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ headers: req.headers, rawHeaders: req.rawHeaders }));
  });
  return { url: await listen(server), close: closer(server) };
}

/** A gateway: `handlers` on `/mcp`, then a real reverse proxy (http-proxy-middleware) to `backend`. */
export async function startGateway(backend: string, handlers: RequestHandler[]): Promise<Running> {
  const app = express();
  app.use('/mcp', ...handlers, createProxyMiddleware({ target: backend, changeOrigin: true }));
  const server = createServer(app);
  return { url: `${await listen(server)}/mcp`, close: closer(server) };
}
