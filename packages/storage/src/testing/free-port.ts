import { createServer } from 'node:net';

function tryListen(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}

/**
 * A loopback TCP port that was free a moment ago. With `withBusPort`, `port + 10000`
 * (the Redis Cluster bus) is free too.
 */
export async function findFreePort(options: { withBusPort?: boolean } = {}): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const candidate = options.withBusPort === true ? 20_000 + Math.floor(Math.random() * 30_000) : 0;
    const port = await tryListen(candidate);
    if (port === undefined) continue;
    if (options.withBusPort !== true) return port;
    if ((await tryListen(port + 10_000)) !== undefined) return port;
  }
  throw new Error('no free port found');
}
