import type { Server } from 'node:http';

/**
 * Stops accepting connections, lets in-flight requests finish (up to `graceMs`),
 * then runs `cleanup`. Idle keep-alive connections are closed at once so they do
 * not hold the process open.
 */
export async function shutdownGracefully(
  server: Server,
  cleanup: () => Promise<void>,
  graceMs = 10_000,
): Promise<'drained' | 'forced'> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
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
  await cleanup();
  return outcome;
}
