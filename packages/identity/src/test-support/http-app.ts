import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type RequestHandler } from 'express';

/** An express app on 127.0.0.1:0 running `handlers` then echoing `req.identity` (without the raw token). */
export async function startApp(
  ...handlers: RequestHandler[]
): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  app.get('/mcp', ...handlers, (req, res) => {
    const identity = req.identity;
    res.json(
      identity === undefined ? null : { ...identity, token: identity.token.length > 0 ? '<present>' : '' },
    );
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
