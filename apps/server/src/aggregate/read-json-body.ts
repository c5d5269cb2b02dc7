import type { IncomingMessage } from 'node:http';

/** A request body that is not JSON, or too large. */
export class BodyError extends Error {
  override readonly name = 'BodyError';
  constructor(readonly status: 400 | 413) {
    super(status === 413 ? 'request body too large' : 'request body is not JSON');
  }
}

/** Reads and parses a JSON request body of at most `limit` bytes; throws {@link BodyError}. */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyError(413);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new BodyError(400);
  }
}
