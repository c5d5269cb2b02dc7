import type { Server, ServerResponse } from 'node:http';

/** The responses in flight of each tracked server, and whether it is draining. */
const tracked = new WeakMap<Server, { inFlight: Set<ServerResponse>; draining: boolean }>();

/**
 * Ends the response's connection once the response is complete: with `Connection: close` when its
 * headers are still to be sent (node then closes the connection after the response, RFC 9112
 * §9.6), else by ending the socket once the response has finished.
 */
function closeAfterResponse(res: ServerResponse): void {
  if (!res.headersSent) {
    res.setHeader('connection', 'close');
    return;
  }
  const socket = res.req.socket;
  if (res.writableFinished) socket.destroySoon();
  else res.once('finish', () => socket.destroySoon());
}

/**
 * Keeps track of `server`'s responses in flight, so that {@link shutdownGracefully} can close each
 * connection after its response. Call it before the server listens; calling it again does nothing.
 */
export function trackResponses(server: Server): void {
  if (tracked.has(server)) return;
  const state = { inFlight: new Set<ServerResponse>(), draining: false };
  tracked.set(server, state);
  // Ahead of the app: a request that arrives while draining is answered with Connection: close.
  server.prependListener('request', (_req, res: ServerResponse) => {
    if (state.draining) {
      closeAfterResponse(res);
      return;
    }
    state.inFlight.add(res);
    res.once('close', () => state.inFlight.delete(res));
  });
}

/**
 * Stops accepting connections and drains the open ones: idle connections close at once, and every
 * other one closes after the response in flight on it (answered with `Connection: close` where its
 * headers are not sent yet), so kept-alive clients cannot keep the drain going with new requests.
 * At `graceMs` every connection still open is closed, which aborts the backend requests behind
 * them. Then `cleanup` runs, told whether the drain completed.
 */
export async function shutdownGracefully(
  server: Server,
  cleanup: (outcome: 'drained' | 'forced') => Promise<void>,
  graceMs = 10_000,
): Promise<'drained' | 'forced'> {
  trackResponses(server);
  const state = tracked.get(server)!;
  state.draining = true;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  for (const res of state.inFlight) closeAfterResponse(res);
  state.inFlight.clear();
  server.closeIdleConnections();
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    closed.then(() => 'drained' as const),
    new Promise<'forced'>((resolve) => {
      timer = setTimeout(() => resolve('forced'), graceMs);
      timer.unref();
    }),
  ]);
  clearTimeout(timer);
  if (outcome === 'forced') server.closeAllConnections();
  await cleanup(outcome);
  return outcome;
}
