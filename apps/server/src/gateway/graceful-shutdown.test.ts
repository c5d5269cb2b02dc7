import { Agent, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { rawRequest } from '@auth/test-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { shutdownGracefully, trackResponses } from './graceful-shutdown.js';

const servers: Server[] = [];
const agents: Agent[] = [];
afterEach(() => {
  for (const agent of agents.splice(0)) agent.destroy();
  for (const server of servers.splice(0)) server.closeAllConnections();
});

/** Answers `/wait` once `release()` is called (`/wait-streamed`: headers first, body then), anything else at once. */
async function start(): Promise<{ url: string; server: Server; release(): void; waiting(): number }> {
  const parked: Array<() => void> = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/wait') parked.push(() => res.end('late'));
    else if (req.url === '/wait-streamed') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first ');
      parked.push(() => res.end('last'));
    } else if (req.url === '/never') parked.push(() => {});
    else res.end('now');
  });
  trackResponses(server);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    release: () => {
      for (const answer of parked.splice(0)) answer();
    },
    waiting: () => parked.length,
  };
}

const keepAlive = () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  agents.push(agent);
  return agent;
};
const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
};

describe('shutdownGracefully', () => {
  it('answers a request in flight with Connection: close, then drains', async () => {
    const app = await start();
    const agent = keepAlive();
    expect((await rawRequest(app.url, { path: '/', agent })).headers.connection).toBe('keep-alive');
    const late = rawRequest(app.url, { path: '/wait', agent });
    await until(() => app.waiting() === 1);
    const outcomes: string[] = [];
    const stopping = shutdownGracefully(app.server, async (outcome) => {
      outcomes.push(outcome);
    });
    app.release();
    const answer = await late;
    expect(answer.body).toBe('late');
    expect(answer.headers.connection).toBe('close');
    expect(await stopping).toBe('drained');
    expect(outcomes).toEqual(['drained']);
  });

  it('closes a connection whose response had already started, once that response ends', async () => {
    const app = await start();
    const agent = keepAlive();
    const streamed = rawRequest(app.url, { path: '/wait-streamed', agent });
    await until(() => app.waiting() === 1);
    const stopping = shutdownGracefully(app.server, async () => {});
    app.release();
    const answer = await streamed;
    expect(answer.body).toBe('first last');
    // Its headers said keep-alive; the gateway ended the connection after the response anyway.
    expect(answer.headers.connection).toBe('keep-alive');
    expect(await stopping).toBe('drained');
  });

  it('closes an idle kept-alive connection at once', async () => {
    const app = await start();
    const agent = keepAlive();
    // Another connection keeps the server draining while the kept-alive one sends a new request.
    const holder = rawRequest(app.url, { path: '/wait' });
    await rawRequest(app.url, { path: '/', agent });
    await until(() => app.waiting() === 1);
    const socket = Object.values(agent.freeSockets)[0]?.[0];
    expect(socket).toBeDefined();
    // Started while the kept-alive connection is idle: it is closed at once.
    const stopping = shutdownGracefully(app.server, async () => {});
    await until(() => socket!.destroyed);
    app.release();
    await holder;
    expect(await stopping).toBe('drained');
  });

  it('at the grace deadline closes what is still open and reports forced', async () => {
    const app = await start();
    const hanging = rawRequest(app.url, { path: '/never' }).then(
      () => 'answered',
      (error: NodeJS.ErrnoException) => error.code ?? error.message,
    );
    await until(() => app.waiting() === 1);
    const outcomes: string[] = [];
    const outcome = await shutdownGracefully(
      app.server,
      async (result) => {
        outcomes.push(result);
      },
      200,
    );
    expect(outcome).toBe('forced');
    expect(outcomes).toEqual(['forced']);
    expect(await hanging).toMatch(/ECONNRESET|socket hang up/);
  });

  /**
   * A connection accepted before the drain whose request comes after it: answered with
   * Connection: close, then closed, whether or not the server was tracked beforehand.
   */
  async function lateRequest(server: Server): Promise<{ response: string; outcome: Promise<string> }> {
    const { port } = server.address() as AddressInfo;
    const accepted = new Promise((resolve) => server.once('connection', resolve));
    const socket = connect({ port, host: '127.0.0.1' });
    let response = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      response += chunk;
    });
    const closed = new Promise((resolve) => socket.once('close', resolve));
    await accepted;
    const outcome = shutdownGracefully(server, async () => {});
    socket.write('GET / HTTP/1.1\r\nHost: gateway.test\r\n\r\n');
    await closed;
    return { response, outcome };
  }

  it('answers a request arriving while draining with Connection: close, and closes its connection', async () => {
    const app = await start();
    const { response, outcome } = await lateRequest(app.server);
    expect(response).toMatch(/^HTTP\/1\.1 200 /);
    expect(response).toMatch(/\r\nConnection: close\r\n/i);
    expect(await outcome).toBe('drained');
  });

  it('does the same on a server that was not tracked before', async () => {
    const server = createServer((_req, res) => res.end('now'));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { response, outcome } = await lateRequest(server);
    expect(response).toMatch(/\r\nConnection: close\r\n/i);
    expect(await outcome).toBe('drained');
  });
});
