import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Listens on a free loopback port, runs `setup` with the URL (for servers that must know it),
 * then prints `<name> listening on <url>` (the line the bench waits for); closes on
 * SIGTERM/SIGINT. Every bench server process ends with this.
 */
export async function serve(
  name: string,
  server: Server,
  setup?: (url: string) => Promise<void>,
): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await setup?.(url);
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.stdout.write(`${name} listening on ${url}\n`);
  return url;
}
