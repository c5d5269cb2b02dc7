import { listen } from '@auth/test-kit';
import express, { type RequestHandler } from 'express';
import { describe, expect, it } from 'vitest';
import { inOrder } from './in-order.js';

async function serve(handler: RequestHandler): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  app.use('/p', handler);
  app.use((_req, res) => {
    res.status(404).send('after');
  });
  app.use((error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(500).send(`error: ${error.message}`);
  });
  return listen(app);
}

describe('inOrder', () => {
  it('runs the handlers in order, then what follows the layer', async () => {
    const seen: string[] = [];
    const mark =
      (name: string): RequestHandler =>
      (_req, _res, next) => {
        seen.push(name);
        next();
      };
    const server = await serve(inOrder([mark('a'), mark('b'), mark('c')]));
    try {
      const response = await fetch(`${server.url}/p/x`);
      expect(await response.text()).toBe('after');
      expect(seen).toEqual(['a', 'b', 'c']);
    } finally {
      await server.close();
    }
  });

  it('stops where a handler answers, and hands errors (passed, thrown, rejected) to express', async () => {
    const answered: RequestHandler = (_req, res) => {
      res.send('answered');
    };
    const never: RequestHandler = () => {
      throw new Error('must not run');
    };
    const passes: RequestHandler = (_req, _res, next) => next(new Error('passed'));
    const throws: RequestHandler = () => {
      throw new Error('thrown');
    };
    const rejects: RequestHandler = async () => {
      throw new Error('rejected');
    };
    for (const [handlers, body] of [
      [[answered, never], 'answered'],
      [[passes, never], 'error: passed'],
      [[throws, never], 'error: thrown'],
      [[rejects, never], 'error: rejected'],
    ] as const) {
      const server = await serve(inOrder(handlers));
      try {
        expect(await (await fetch(`${server.url}/p`)).text()).toBe(body);
      } finally {
        await server.close();
      }
    }
  });
});
