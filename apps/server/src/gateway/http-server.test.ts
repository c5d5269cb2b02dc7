import type { Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import type { ServerConfig } from '@auth/config';
import { recordingLogger } from '@auth/test-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer } from './http-server.js';

const settings: ServerConfig = {
  headersTimeout: 1,
  requestTimeout: 2,
  keepAliveTimeout: 1,
  maxConnections: 2,
  shutdownGrace: 1,
  startupTimeout: 30,
  trustProxy: false,
};

const open: Array<Server | Socket> = [];
afterEach(async () => {
  for (const thing of open.splice(0)) {
    if ('closeAllConnections' in thing) {
      thing.closeAllConnections();
      await new Promise((resolve) => thing.close(resolve));
    } else thing.destroy();
  }
});

async function start(logger = recordingLogger()) {
  const server = createHttpServer((_req, res) => res.end('ok'), settings, logger);
  open.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, logger };
}

/** A raw connection that records what it received and when it closed. */
function rawConnection(port: number, first: string) {
  const socket = connect({ port, host: '127.0.0.1' }, () => socket.write(first));
  open.push(socket);
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    received += chunk;
  });
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { closed, received: () => received };
}

describe('createHttpServer', () => {
  it('takes its timeouts and connection cap from the server settings', async () => {
    const { server } = await start();
    expect(server.headersTimeout).toBe(1000);
    expect(server.requestTimeout).toBe(2000);
    expect(server.keepAliveTimeout).toBe(1000);
    expect(server.maxConnections).toBe(2);
  });

  it('answers headers that never end with 408 and closes the connection', async () => {
    const { port } = await start();
    const slow = rawConnection(port, 'GET / HTTP/1.1\r\nHost: gateway.test\r\n');
    await slow.closed;
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes a connection beyond the cap unanswered, and warns', async () => {
    const { server, port, logger } = await start();
    let accepted = 0;
    server.on('connection', () => {
      accepted += 1;
    });
    const held = [1, 2].map(() => rawConnection(port, 'GET / HTTP/1.1\r\n'));
    while (accepted < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    const dropped = rawConnection(port, 'GET / HTTP/1.1\r\nHost: gateway.test\r\n\r\n');
    await dropped.closed;
    expect(dropped.received()).toBe('');
    expect(logger.entries).toContainEqual({
      level: 'warn',
      obj: { maxConnections: 2, dropped: 1 },
      msg: 'connection limit reached',
    });
    await Promise.all(held.map((connection) => connection.closed));
  });
});
