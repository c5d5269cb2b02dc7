import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Listening, listen } from '@auth/test-kit';

/** A real HTTP server on 127.0.0.1, port 0, for answers the mock IdP does not give; `handler` gets the whole body. */
export function startHttpServer(
  handler: (req: IncomingMessage, res: ServerResponse, body: string) => void,
): Promise<Listening> {
  return listen((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handler(req, res, Buffer.concat(chunks).toString('utf8')));
  });
}
