import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A server listening on loopback. */
export interface Listening {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  port: number;
  server: Server;
  /** Ends open connections (streams included) and stops listening; closing twice is fine. */
  close(): Promise<void>;
}

/**
 * Starts `target` (a server, or a request handler such as an express app) on 127.0.0.1,
 * port 0 unless given: the OS picks a free port, so tests never collide.
 */
export async function listen(
  target: Server | RequestListener,
  options: { port?: number; host?: string } = {},
): Promise<Listening> {
  const server = typeof target === 'function' ? createServer(target) : target;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error?: NodeJS.ErrnoException) =>
          error && error.code !== 'ERR_SERVER_NOT_RUNNING' ? reject(error) : resolve(),
        );
        server.closeAllConnections();
      }),
  };
}
