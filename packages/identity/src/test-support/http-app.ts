import { listen } from '@auth/test-kit';
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
  const server = await listen(app);
  return { url: `${server.url}/mcp`, close: server.close };
}
